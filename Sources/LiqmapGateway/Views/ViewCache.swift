import LiqmapAggregation

/// The gateway's cache of hot views: finished response bodies and the tile sets they were made from,
/// each stamped with its asset's data version. An aggregator commit's notice (`liqmap_updates`)
/// bumps the versions of the assets and layers it changed, so the next request recomputes; without
/// a live notice listener, entries also expire after `unlistenedTTL`. Concurrent misses for one key
/// share one computation. Bounded: the oldest entries go past `capacity`.
public actor ViewCache {
    /// A cached answer.
    public struct Body: Sendable {
        public var bytes: [UInt8]
        /// gzip of `bytes`, when it is worth sending (nil for small or incompressible bodies).
        public var gzip: [UInt8]?
        public var contentType: String
        /// A strong ETag (quoted) of `bytes`.
        public var etag: String
    }

    struct Entry<Value: Sendable>: Sendable {
        var version: Int
        var stored: ContinuousClock.Instant
        var value: Value
    }

    private var versions: [String: Int] = [:]
    private var globalVersion = 0
    private var bodies: [String: Entry<Body>] = [:]
    private var bodyOrder: [String] = []
    private var computing: [String: Task<Body, any Error>] = [:]
    /// True while a notice listener is connected; entries then live until a notice bumps them.
    public private(set) var listening = false
    public let capacity: Int
    public let unlistenedTTL: Duration
    public private(set) var hits = 0
    public private(set) var misses = 0

    public init(capacity: Int = 512, unlistenedTTL: Duration = .seconds(1)) {
        self.capacity = capacity
        self.unlistenedTTL = unlistenedTTL
    }

    /// The data version of one asset's layer.
    public func version(asset: String, layer: TileLayer) -> Int { globalVersion + (versions["\(asset)/\(layer.rawValue)"] ?? 0) }

    /// Applies a change notice.
    public func apply(_ notice: UpdateNotice) {
        for asset in notice.realized { versions["\(asset)/realized", default: 0] += 1 }
        for asset in notice.projected { versions["\(asset)/projected", default: 0] += 1 }
    }

    /// Marks whether notices are arriving; any change of state invalidates everything (notices may have been missed).
    public func setListening(_ on: Bool) {
        if on != listening { globalVersion += 1 }
        listening = on
    }

    /// The body under `key` at `version`, computing it (once, however many ask at the same time) when absent or stale.
    public func body(key: String, version: Int, compute: @escaping @Sendable () async throws -> Body) async throws -> Body {
        if let entry = bodies[key], entry.version == version, listening || ContinuousClock.now - entry.stored < unlistenedTTL {
            hits += 1
            return entry.value
        }
        misses += 1
        let flightKey = "\(version)|\(key)"
        if let running = computing[flightKey] { return try await running.value }
        let task = Task { try await compute() }
        computing[flightKey] = task
        defer { computing[flightKey] = nil }
        let body = try await task.value
        if bodies[key] == nil { bodyOrder.append(key) }
        bodies[key] = Entry(version: version, stored: .now, value: body)
        if bodyOrder.count > capacity {
            let drop = bodyOrder.count - capacity
            for old in bodyOrder.prefix(drop) { bodies[old] = nil }
            bodyOrder.removeFirst(drop)
        }
        return body
    }
}
