/// The answer of `GET /v1/liquidations`: exact micro-dollar sums and counts in total and per venue.
public struct LiquidationSummary: Sendable, Equatable {
    /// Long and short USD (micro-dollars) and the event count of one venue, or of all.
    public struct Totals: Sendable, Equatable {
        public var longMicros: Int128 = 0
        public var shortMicros: Int128 = 0
        public var count: Int64 = 0

        public init(longMicros: Int128 = 0, shortMicros: Int128 = 0, count: Int64 = 0) {
            self.longMicros = longMicros
            self.shortMicros = shortMicros
            self.count = count
        }
    }

    /// One grouped row of ``LiquidationSQL``: a venue, a side, its sum and its count.
    public struct Row: Sendable, Equatable {
        public var venue: String
        public var side: String
        public var micros: Int128
        public var count: Int64

        public init(venue: String, side: String, micros: Int128, count: Int64) {
            self.venue = venue
            self.side = side
            self.micros = micros
            self.count = count
        }
    }

    /// A row whose side is neither `long` nor `short` (the schema forbids it).
    public struct UnknownSide: Error, CustomStringConvertible {
        public let side: String
        public var description: String { "realized_liquidations has a row with side '\(side)'" }
    }

    public var request: LiquidationRequest
    public var total = Totals()
    /// Per venue: every venue that had rows, plus every requested venue (zeros when it had none).
    public var byVenue: [String: Totals] = [:]

    /// Adds up the grouped rows (pure).
    public init(request: LiquidationRequest, rows: [Row]) throws(UnknownSide) {
        self.request = request
        for venue in request.venues ?? [] { byVenue[venue] = Totals() }
        for row in rows {
            var venue = byVenue[row.venue] ?? Totals()
            switch row.side {
            case "long":
                venue.longMicros += row.micros
                total.longMicros += row.micros
            case "short":
                venue.shortMicros += row.micros
                total.shortMicros += row.micros
            default: throw UnknownSide(side: row.side)
            }
            venue.count += row.count
            total.count += row.count
            byVenue[row.venue] = venue
        }
    }

    /// The contract's JSON: `{"asset","from","to","total":{…},"by_venue":{…}}`, venues sorted by
    /// name, USD as exact decimal numbers.
    public var json: String {
        var out = "{\"asset\":\(JSONText.string(request.asset)),\"from\":\(request.from),\"to\":\(request.to)"
        out += ",\"total\":" + Self.json(total) + ",\"by_venue\":{"
        out += byVenue.sorted { $0.key < $1.key }.map { JSONText.string($0.key) + ":" + Self.json($0.value) }.joined(separator: ",")
        return out + "}}"
    }

    static func json(_ totals: Totals) -> String {
        "{\"long_usd\":\(MicroDollarText.usd(micros: totals.longMicros)),\"short_usd\":\(MicroDollarText.usd(micros: totals.shortMicros)),\"count\":\(totals.count)}"
    }
}
