import LiqmapCore

/// Everything a simulation run depends on; the same config (and seed) gives byte-identical output.
public struct SimulationConfig: Sendable {
    public var assets: [AssetSpec]
    public var feeds: [Feed]
    /// Start time (Unix ms, a whole minute) and duration (ms, whole steps).
    public var startMs: Int64
    public var durationMs: Int64
    public var seed: UInt64
    /// Scales on the defaults: price volatility (and jump rate), trades per second, open positions,
    /// book depth (lower = more impact per liquidation, bigger cascades), mean holding time.
    public var volatilityScale = 1.0
    public var activityScale = 1.0
    public var populationScale = 1.0
    public var depthScale = 1.0
    public var holdingHours = 6.0
    /// Per feed, parallel to `feeds`.
    public var profiles: [VenueProfile]
    /// Whether to produce `truth/` (the live `--serve` mode may not need it).
    public var recordTruth = true

    /// The simulation step: prices, liquidations and cadences advance every 100 ms.
    public static let stepMs: Int64 = 100
    /// 2025-01-01T00:00:00Z.
    public static let defaultStart: Int64 = 1_735_689_600_000

    /// Errors in the arguments.
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public init(assets: [String], feeds: [Feed], durationMs: Int64, seed: UInt64, startMs: Int64 = SimulationConfig.defaultStart) throws(Invalid) {
        guard !assets.isEmpty else { throw Invalid(description: "no assets") }
        guard !feeds.isEmpty else { throw Invalid(description: "no feeds") }
        var specs: [AssetSpec] = []
        for name in assets {
            guard let spec = AssetSpec.named(name) else {
                throw Invalid(description: "unknown asset '\(name)'; the simulator knows \(AssetSpec.known.map(\.name).joined(separator: ", "))")
            }
            guard !specs.contains(spec) else { throw Invalid(description: "asset '\(name)' given twice") }
            specs.append(spec)
        }
        guard Set(feeds).count == feeds.count else { throw Invalid(description: "a feed is given twice") }
        guard durationMs >= Self.stepMs, durationMs % Self.stepMs == 0 else {
            throw Invalid(description: "duration must be a positive multiple of \(Self.stepMs) ms")
        }
        guard startMs >= 0, startMs % 60_000 == 0 else { throw Invalid(description: "start must be a whole minute (Unix ms)") }
        self.assets = specs
        self.feeds = feeds
        self.durationMs = durationMs
        self.seed = seed
        self.startMs = startMs
        self.profiles = feeds.map(VenueProfile.standard)
    }

    /// `24h`, `90m`, `30s`, `2d`, `1h30m`, `500ms` → milliseconds.
    public static func parseDuration(_ text: String) -> Int64? {
        var total: Int64 = 0
        var number: Int64?
        var chars = Array(text.lowercased())
        guard !chars.isEmpty else { return nil }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if let d = c.wholeNumberValue, c.isASCII {
                number = (number ?? 0) * 10 + Int64(d)
                guard number! < 1_000_000_000 else { return nil }
                i += 1
                continue
            }
            guard let n = number else { return nil }
            let unit: Int64
            if c == "m", i + 1 < chars.count, chars[i + 1] == "s" {
                unit = 1
                i += 1
            } else {
                switch c {
                case "d": unit = 86_400_000
                case "h": unit = 3_600_000
                case "m": unit = 60_000
                case "s": unit = 1000
                default: return nil
                }
            }
            total += n * unit
            number = nil
            i += 1
        }
        if number != nil { return nil }  // a number without a unit
        chars.removeAll()
        return total > 0 ? total : nil
    }
}
