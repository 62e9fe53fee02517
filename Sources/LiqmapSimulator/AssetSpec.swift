/// One simulated underlying: its starting price, volatility, jumps and the scale of its market
/// (position sizes, trade sizes, book depth relative to BTC).
public struct AssetSpec: Sendable, Hashable {
    public var name: String
    public var startPrice: Double
    /// Annualised volatility in the normal regime (calm × 0.6, stressed × 2.2).
    public var annualVolatility: Double
    /// Mean number of price jumps per day and their log-size standard deviation.
    public var jumpsPerDay: Double
    public var jumpSigma: Double
    /// USD sizes (positions, trades, depth) relative to BTC.
    public var sizeScale: Double
    /// Trades per second relative to BTC.
    public var activityScale: Double
    /// Price bucket of the truth density snapshots (USD).
    public var densityBucket: Double

    public init(name: String, startPrice: Double, annualVolatility: Double, jumpsPerDay: Double, jumpSigma: Double,
                sizeScale: Double, activityScale: Double, densityBucket: Double) {
        self.name = name
        self.startPrice = startPrice
        self.annualVolatility = annualVolatility
        self.jumpsPerDay = jumpsPerDay
        self.jumpSigma = jumpSigma
        self.sizeScale = sizeScale
        self.activityScale = activityScale
        self.densityBucket = densityBucket
    }

    /// The assets the simulator knows, with realistic defaults.
    public static let known: [AssetSpec] = [
        AssetSpec(name: "BTC", startPrice: 95_000, annualVolatility: 0.50, jumpsPerDay: 3, jumpSigma: 0.008,
                  sizeScale: 1, activityScale: 1, densityBucket: 250),
        AssetSpec(name: "ETH", startPrice: 3_400, annualVolatility: 0.65, jumpsPerDay: 3, jumpSigma: 0.010,
                  sizeScale: 0.5, activityScale: 0.7, densityBucket: 10),
        AssetSpec(name: "SOL", startPrice: 190, annualVolatility: 0.85, jumpsPerDay: 4, jumpSigma: 0.013,
                  sizeScale: 0.25, activityScale: 0.5, densityBucket: 0.5),
    ]

    public static func named(_ name: String) -> AssetSpec? { known.first { $0.name == name.uppercased() } }
}
