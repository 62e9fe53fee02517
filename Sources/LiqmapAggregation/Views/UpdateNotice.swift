import LiqmapCore

/// The `pg_notify` an aggregator commit sends on channel `liqmap_updates` so gateways refresh their
/// caches and live streams: `{"shard":0,"realized":["BTC"],"projected":["BTC","ETH"],"committed_ms":1764600000000}` (assets whose
/// realized tiles, or projected columns and price line, the commit changed). PostgreSQL delivers it
/// at COMMIT and never for a rolled-back transaction (Protocols/tiles.md, "Change notices").
public struct UpdateNotice: Sendable, Hashable {
    public static let channel = "liqmap_updates"

    public var shard: Int
    public var realized: [String]
    public var projected: [String]
    /// The aggregator's wall clock (Unix ms) just before COMMIT: live-update delays are measured from it.
    public var committedMs: Int64?

    public init(shard: Int, realized: [String], projected: [String], committedMs: Int64? = nil) {
        self.shard = shard
        self.realized = realized.sorted()
        self.projected = projected.sorted()
        self.committedMs = committedMs
    }

    /// The JSON payload, or nil when nothing changed. Asset names keep letters and digits only.
    public var payload: String? {
        guard !realized.isEmpty || !projected.isEmpty else { return nil }
        func list(_ xs: [String]) -> String { "[" + xs.map { "\"\(Self.clean($0))\"" }.joined(separator: ",") + "]" }
        let committed = committedMs.map { ",\"committed_ms\":\($0)" } ?? ""
        return "{\"shard\":\(shard),\"realized\":\(list(realized)),\"projected\":\(list(projected))\(committed)}"
    }

    /// Reads a payload; nil when it is not one.
    public init?(payload: String) {
        guard let node = try? JSON.parse(payload), let shard = node["shard"]?.int64,
              let realized = node["realized"]?.array, let projected = node["projected"]?.array else { return nil }
        self.init(shard: Int(shard), realized: realized.compactMap(\.string), projected: projected.compactMap(\.string),
                  committedMs: node["committed_ms"]?.int64)
    }

    /// Every asset named, either layer.
    public var assets: Set<String> { Set(realized).union(projected) }

    static func clean(_ s: String) -> String { String(s.unicodeScalars.filter { ($0.value >= 48 && $0.value <= 57) || ($0.value >= 65 && $0.value <= 90) || ($0.value >= 97 && $0.value <= 122) }.map(Character.init)) }
}
