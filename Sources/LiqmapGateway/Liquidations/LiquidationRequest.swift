import LiqmapCore

/// The validated parameters of `GET /v1/liquidations`: an asset, the event-time span `[from, to)`
/// in ms, and optionally the venues to keep.
public struct LiquidationRequest: Sendable, Equatable {
    public var asset: String
    public var from: Int64
    public var to: Int64
    /// The venues asked for (deduplicated, in the order given), or nil for all.
    public var venues: [String]?

    public init(asset: String, from: Int64, to: Int64, venues: [String]? = nil) {
        self.asset = asset
        self.from = from
        self.to = to
        self.venues = venues
    }

    /// The longest span one request may cover.
    public static let maxSpanMs: Int64 = 400 * 86_400_000
    /// The most venues one request may name.
    public static let maxVenues = 6
    /// The venue names `venues` accepts.
    public static let knownVenues: [String] = Venue.allCases.map(\.rawValue)

    /// Validates the query parameters (`parameter(name)` gives the first value of a parameter, or
    /// nil when absent). Throws a 400 ``APIError`` whose message names the bad parameter.
    public static func parse(_ parameter: (String) -> String?) throws(APIError) -> LiquidationRequest {
        guard let asset = parameter("asset") else { throw .badRequest("asset is required, e.g. asset=BTC") }
        guard isAsset(asset) else { throw .badRequest("asset must match ^[A-Z0-9]{2,20}$, got \(quoted(asset))") }
        let from = try timestamp("from", parameter("from"))
        let to = try timestamp("to", parameter("to"))
        guard from < to else { throw .badRequest("from must be less than to (the span is [from, to)), got from=\(from) to=\(to)") }
        let (span, overflow) = to.subtractingReportingOverflow(from)
        guard !overflow, span <= maxSpanMs else {
            throw .badRequest("from and to may be at most 400 days apart (\(maxSpanMs) ms)")
        }
        var venues: [String]?
        if let list = parameter("venues") {
            venues = try parseVenues(list)
        }
        return LiquidationRequest(asset: asset, from: from, to: to, venues: venues)
    }

    /// `^[A-Z0-9]{2,20}$`.
    static func isAsset(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return (2...20).contains(bytes.count)
            && bytes.allSatisfy { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    static func timestamp(_ name: String, _ value: String?) throws(APIError) -> Int64 {
        guard let value else { throw .badRequest("\(name) is required (event time, ms since the Unix epoch)") }
        guard let ms = Int64(value) else {
            throw .badRequest("\(name) must be an integer (ms since the Unix epoch), got \(quoted(value))")
        }
        return ms
    }

    static func parseVenues(_ list: String) throws(APIError) -> [String] {
        let names = list.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard names.count <= maxVenues else {
            throw .badRequest("venues names at most \(maxVenues) venues, got \(names.count)")
        }
        var out: [String] = []
        for name in names {
            guard knownVenues.contains(name) else {
                throw .badRequest("venues: unknown venue \(quoted(name)); known: \(knownVenues.joined(separator: ", "))")
            }
            if !out.contains(name) { out.append(name) }
        }
        return out
    }

    /// A client's text for an error message: quoted, at most 40 characters.
    static func quoted(_ text: String) -> String {
        "'" + (text.count > 40 ? String(text.prefix(40)) + "…" : text) + "'"
    }
}
