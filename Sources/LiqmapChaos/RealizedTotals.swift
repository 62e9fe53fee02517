import LiqmapAggregation
import LiqmapCore

/// Realized totals per (venue, side): exact micro-dollars and counts.
public struct RealizedTotals: Equatable, Sendable, CustomStringConvertible {
    public var byVenueSide: [String: Total] = [:]

    /// One (venue, side)'s sum and count.
    public struct Total: Equatable, Sendable {
        public var micros: Int64
        public var count: Int
    }

    public init() {}

    public mutating func add(venue: String, side: String, micros: Int64, count: Int = 1) {
        let k = "\(venue)/\(side)"
        let old = byVenueSide[k] ?? Total(micros: 0, count: 0)
        byVenueSide[k] = Total(micros: old.micros + micros, count: old.count + count)
    }

    public var description: String {
        byVenueSide.keys.sorted().map { "\($0)=\(byVenueSide[$0]!.micros)µ$/\(byVenueSide[$0]!.count)" }.joined(separator: " ")
    }

    /// Liquidations over all venues and sides.
    public var count: Int { byVenueSide.values.reduce(0) { $0 + $1.count } }

    /// Events in `self` beyond `expected` (per venue and side, never negative): double-counted.
    public func excess(over expected: RealizedTotals) -> Int {
        byVenueSide.reduce(0) { $0 + max(0, $1.value.count - (expected.byVenueSide[$1.key]?.count ?? 0)) }
    }

    /// Events of `expected` missing from `self`.
    public func deficit(under expected: RealizedTotals) -> Int { expected.excess(over: self) }
}

/// What a market's recordings hold, parsed as the collectors parse them: every event once per
/// identity key, and the liquidations with their exact USD.
public struct ExpectedMarket: Sendable {
    public var totals = RealizedTotals()
    /// The liquidations as `identity key@venue time`: stored under any other time, a liquidation
    /// counts as lost (and its row as extra).
    public var liquidationKeys = Set<String>()
    /// Distinct events of every kind (the collectors drop repeats by the same key).
    public var events = 0
    private var seen = Set<String>()

    public init() {}

    mutating func add(_ e: NormalizedEvent) {
        guard seen.insert(e.identityKey).inserted else { return }
        events += 1
        guard case .liquidation(let l) = e.body, let usd = MicroUSD(usd: l.notionalUSD) else { return }
        liquidationKeys.insert("\(e.identityKey)@\(e.ts.map(String.init) ?? "?")")
        totals.add(venue: e.venue.rawValue, side: l.side.rawValue, micros: usd.micros)
    }
}
