import LiqmapCore

/// How one feed's venue behaves in the simulation: its contracts, margin rules, trader population
/// (leverage mix, size), activity, basis against the index, book depth and network latency.
public struct VenueProfile: Sendable {
    public var feed: Feed
    /// Leverage values and their weights for new positions (capped by the margin tier's maximum).
    public var leverageMix: [(leverage: Int, weight: Double)]
    /// Open positions per asset relative to BTC on Binance USD-M (about 6,000).
    public var populationScale: Double
    /// Trades per second relative to BTC on Binance USD-M.
    public var activityScale: Double
    /// Mean and standard deviation of the venue's basis against the index (fraction of price).
    public var basisMean: Double
    public var basisSigma: Double
    /// USD that moves this venue's BTC price by 1% (scaled by the asset's `sizeScale`).
    public var depthPerPercentUSD: Double
    /// Receive latency range, ms.
    public var latencyMs: ClosedRange<Int>
    /// Share of new positions that are long, before momentum.
    public var longBias: Double

    public init(feed: Feed, leverageMix: [(leverage: Int, weight: Double)], populationScale: Double, activityScale: Double,
                basisMean: Double, basisSigma: Double, depthPerPercentUSD: Double, latencyMs: ClosedRange<Int>, longBias: Double) {
        self.feed = feed
        self.leverageMix = leverageMix
        self.populationScale = populationScale
        self.activityScale = activityScale
        self.basisMean = basisMean
        self.basisSigma = basisSigma
        self.depthPerPercentUSD = depthPerPercentUSD
        self.latencyMs = latencyMs
        self.longBias = longBias
    }

    /// The default profile of each feed.
    public static func standard(_ feed: Feed) -> VenueProfile {
        switch feed {
        case .binanceUSDM:
            VenueProfile(feed: feed, leverageMix: [(2, 4), (3, 4), (5, 12), (10, 22), (20, 18), (25, 10), (50, 12), (75, 6), (100, 8), (125, 4)],
                         populationScale: 1, activityScale: 1, basisMean: 0.0002, basisSigma: 0.0003,
                         depthPerPercentUSD: 12_000_000, latencyMs: 3...12, longBias: 0.52)
        case .binanceCOINM:
            VenueProfile(feed: feed, leverageMix: [(2, 8), (3, 8), (5, 16), (10, 24), (20, 16), (25, 10), (50, 10), (75, 4), (100, 3), (125, 1)],
                         populationScale: 0.3, activityScale: 0.3, basisMean: 0.0001, basisSigma: 0.0004,
                         depthPerPercentUSD: 4_000_000, latencyMs: 3...12, longBias: 0.50)
        case .bybitLinear:
            VenueProfile(feed: feed, leverageMix: [(2, 5), (3, 5), (5, 13), (10, 24), (20, 18), (25, 10), (50, 12), (75, 5), (100, 8)],
                         populationScale: 0.8, activityScale: 0.8, basisMean: 0.0001, basisSigma: 0.0003,
                         depthPerPercentUSD: 8_000_000, latencyMs: 5...20, longBias: 0.53)
        case .bybitInverse:
            VenueProfile(feed: feed, leverageMix: [(2, 10), (3, 10), (5, 18), (10, 24), (20, 14), (25, 8), (50, 8), (100, 8)],
                         populationScale: 0.25, activityScale: 0.25, basisMean: 0.0, basisSigma: 0.0004,
                         depthPerPercentUSD: 3_000_000, latencyMs: 5...20, longBias: 0.50)
        case .okx:
            VenueProfile(feed: feed, leverageMix: [(2, 6), (3, 8), (5, 16), (10, 25), (20, 18), (50, 12), (75, 5), (100, 10)],
                         populationScale: 0.6, activityScale: 0.7, basisMean: -0.0001, basisSigma: 0.0003,
                         depthPerPercentUSD: 6_000_000, latencyMs: 8...30, longBias: 0.51)
        case .deribit:
            VenueProfile(feed: feed, leverageMix: [(2, 14), (3, 14), (5, 22), (10, 24), (20, 12), (25, 8), (50, 6)],
                         populationScale: 0.2, activityScale: 0.3, basisMean: 0.0003, basisSigma: 0.0004,
                         depthPerPercentUSD: 3_000_000, latencyMs: 5...15, longBias: 0.50)
        case .bitmex:
            VenueProfile(feed: feed, leverageMix: [(2, 10), (3, 10), (5, 16), (10, 22), (25, 16), (50, 14), (100, 12)],
                         populationScale: 0.15, activityScale: 0.2, basisMean: 0.0002, basisSigma: 0.0005,
                         depthPerPercentUSD: 2_000_000, latencyMs: 10...40, longBias: 0.50)
        case .hyperliquid:
            VenueProfile(feed: feed, leverageMix: [(2, 8), (3, 8), (5, 18), (10, 26), (20, 20), (25, 10), (40, 10)],
                         populationScale: 0.4, activityScale: 0.5, basisMean: 0.0001, basisSigma: 0.0005,
                         depthPerPercentUSD: 4_000_000, latencyMs: 40...120, longBias: 0.54)
        }
    }

    /// The feed's contract for an asset (`nil` when the simulator has none).
    public func instrument(_ asset: String) -> SimInstrument? {
        let b = asset == "BTC", e = asset == "ETH"
        guard b || e || asset == "SOL" else { return nil }
        func pick<T>(_ btc: T, _ eth: T, _ sol: T) -> T { b ? btc : e ? eth : sol }
        switch feed {
        case .binanceUSDM:
            return SimInstrument(symbol: "\(asset)USDT", asset: asset, quote: "USDT", priceDecimals: pick(1, 2, 2), tickUnits: 1,
                                 sizeDecimals: pick(3, 3, 0), lotUnits: 1, sizing: .linear(basePerUnit: 1))
        case .binanceCOINM:
            return SimInstrument(symbol: "\(asset)USD_PERP", asset: asset, quote: "USD", priceDecimals: pick(1, 2, 3), tickUnits: pick(1, 1, 10),
                                 sizeDecimals: 0, lotUnits: 1, sizing: .inverse(usdPerUnit: pick(100, 10, 10)))
        case .bybitLinear:
            return SimInstrument(symbol: "\(asset)USDT", asset: asset, quote: "USDT", priceDecimals: pick(2, 2, 3), tickUnits: pick(10, 1, 10),
                                 sizeDecimals: pick(3, 2, 1), lotUnits: 1, sizing: .linear(basePerUnit: 1))
        case .bybitInverse:
            return SimInstrument(symbol: "\(asset)USD", asset: asset, quote: "USD", priceDecimals: pick(2, 2, 3), tickUnits: pick(50, 5, 10),
                                 sizeDecimals: 0, lotUnits: 1, sizing: .inverse(usdPerUnit: 1))
        case .okx:
            return SimInstrument(symbol: "\(asset)-USDT-SWAP", asset: asset, quote: "USDT", priceDecimals: pick(1, 2, 2), tickUnits: 1,
                                 sizeDecimals: 0, lotUnits: 1, sizing: .linear(basePerUnit: pick(0.01, 0.1, 1)))
        case .deribit:
            if asset == "SOL" {
                return SimInstrument(symbol: "SOL_USDC-PERPETUAL", asset: asset, quote: "USDC", priceDecimals: 2, tickUnits: 1,
                                     sizeDecimals: 1, lotUnits: 1, sizing: .linear(basePerUnit: 1))
            }
            return SimInstrument(symbol: "\(asset)-PERPETUAL", asset: asset, quote: "USD", priceDecimals: pick(1, 2, 2), tickUnits: 5,
                                 sizeDecimals: 0, lotUnits: pick(10, 1, 1), sizing: .inverse(usdPerUnit: 1))
        case .bitmex:
            return SimInstrument(symbol: b ? "XBTUSD" : "\(asset)USD", asset: asset, quote: "USD", priceDecimals: pick(1, 2, 3),
                                 tickUnits: pick(5, 5, 10), sizeDecimals: 0, lotUnits: pick(100, 1, 1), sizing: .inverse(usdPerUnit: 1))
        case .hyperliquid:
            return SimInstrument(symbol: asset, asset: asset, quote: "USDC", priceDecimals: pick(0, 1, 2), tickUnits: 1,
                                 sizeDecimals: pick(5, 4, 2), lotUnits: 1, sizing: .linear(basePerUnit: 1))
        }
    }

    /// The venue's margin rules for an asset (tiers scaled by the asset's `sizeScale`; inverse tiers
    /// in coin at the asset's start price).
    public func marginRules(_ asset: AssetSpec, instrument: SimInstrument) -> MarginRules {
        let s = asset.sizeScale
        func inverse(_ rows: [(cap: Double, mmr: Double, maxLeverage: Int)]) -> MarginRules {
            MarginRules(formula: .inverse, tiers: MarginTier.chained(rows, scale: s / asset.startPrice))
        }
        switch feed {
        case .binanceUSDM:
            // heatmap-products.md §C, BTCUSDT 2025-08-19 (the 150x first tier capped at 125x), two more tiers.
            return MarginRules(formula: .markMaintenance, tiers: MarginTier.chained([
                (300_000, 0.004, 125), (800_000, 0.005, 100), (3_000_000, 0.0065, 75), (12_000_000, 0.01, 50),
                (50_000_000, 0.025, 20), (.infinity, 0.05, 10),
            ], scale: s))
        case .bybitLinear:
            return MarginRules(formula: .entryMaintenance, tiers: MarginTier.chained([
                (2_000_000, 0.005, 100), (10_000_000, 0.01, 50), (20_000_000, 0.015, 33), (.infinity, 0.02, 25),
            ], scale: s))
        case .okx:
            return MarginRules(formula: .markMaintenanceWithFee(takerFee: 0.0005), tiers: MarginTier.chained([
                (1_000_000, 0.004, 100), (5_000_000, 0.006, 50), (20_000_000, 0.01, 20), (.infinity, 0.02, 10),
            ], scale: s))  // the OKX formula has no maintenance amount
        case .hyperliquid:
            let maxLeverage = asset.name == "BTC" ? 40 : asset.name == "ETH" ? 25 : 20
            return MarginRules(formula: .markMaintenance, tiers: [
                MarginTier(floor: 0, cap: .infinity, mmr: 0.5 / Double(maxLeverage), cum: 0, maxLeverage: maxLeverage),
            ])
        case .binanceCOINM:
            return inverse([(500_000, 0.005, 125), (2_000_000, 0.01, 50), (10_000_000, 0.025, 20), (.infinity, 0.05, 10)])
        case .bybitInverse:
            return inverse([(2_000_000, 0.005, 100), (10_000_000, 0.01, 50), (.infinity, 0.02, 25)])
        case .deribit:
            if !instrument.isInverse {  // SOL_USDC-PERPETUAL: linear, USD tiers
                return MarginRules(formula: .markMaintenance, tiers: MarginTier.chained([
                    (5_000_000, 0.005, 50), (20_000_000, 0.01, 25), (.infinity, 0.02, 10),
                ], scale: s))
            }
            return inverse([(5_000_000, 0.005, 50), (20_000_000, 0.01, 25), (.infinity, 0.02, 10)])
        case .bitmex:
            return inverse([(10_000_000, 0.0035, 100), (20_000_000, 0.0085, 50), (.infinity, 0.0135, 33)])
        }
    }
}
