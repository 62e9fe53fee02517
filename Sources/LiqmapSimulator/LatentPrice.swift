import Foundation

/// The underlying (index) price of one asset: a log random walk whose volatility switches between
/// calm, normal and stressed regimes (a Markov chain checked every minute), with Poisson jumps, and
/// a permanent share of the venues' liquidation flow (so a cascade on one venue moves all of them).
struct LatentPrice {
    /// Volatility regimes.
    enum Regime: Int { case calm = 0, normal = 1, stressed = 2 }

    static let regimeVolatility: [Double] = [0.6, 1.0, 2.2]
    /// Mean regime durations, minutes.
    static let regimeMinutes: [Double] = [360, 240, 45]

    var spec: AssetSpec
    var logPrice: Double
    var regime: Regime = .normal
    var rng: SimRandom
    /// Volatility scale on top of the regime (the `--volatility` knob).
    var volatilityScale: Double
    /// Exponential average of the log price over ~5 minutes, for the traders' momentum signal.
    var averageLogPrice: Double

    init(spec: AssetSpec, rng: SimRandom, volatilityScale: Double) {
        self.spec = spec
        self.logPrice = log(spec.startPrice)
        self.price = spec.startPrice
        self.averageLogPrice = logPrice
        self.rng = rng
        self.volatilityScale = volatilityScale
    }

    /// `exp(logPrice)`, kept current.
    private(set) var price: Double

    /// Per-step standard deviation of the log return for `dtSeconds`.
    func stepSigma(dtSeconds: Double) -> Double {
        spec.annualVolatility * Self.regimeVolatility[regime.rawValue] * volatilityScale * (dtSeconds / (365.0 * 86_400)).squareRoot()
    }

    /// Advances by one step; returns the log return.
    mutating func step(dtSeconds: Double) -> Double {
        var r = stepSigma(dtSeconds: dtSeconds) * rng.normal()
        let jumpChance = spec.jumpsPerDay * volatilityScale * Self.regimeVolatility[regime.rawValue] * dtSeconds / 86_400
        if rng.uniform() < jumpChance { r += spec.jumpSigma * rng.normal() }
        logPrice += r
        price = exp(logPrice)
        averageLogPrice += (logPrice - averageLogPrice) * (dtSeconds / 300)
        return r
    }

    /// How far the price is above its 5-minute average, in 5-minute standard deviations (the trend
    /// the traders follow).
    var momentum: Double {
        (logPrice - averageLogPrice) / (spec.annualVolatility * volatilityScale * (300.0 / (365.0 * 86_400)).squareRoot())
    }

    /// Once a minute: maybe switch regime (stressed periods are short and follow normal ones).
    mutating func minute() {
        let stay = exp(-1 / Self.regimeMinutes[regime.rawValue])
        guard rng.uniform() >= stay else { return }
        switch regime {
        case .calm: regime = .normal
        case .normal: regime = rng.chance(0.35) ? .stressed : .calm
        case .stressed: regime = .normal
        }
    }

    /// The permanent part of a venue's liquidation flow (a log move).
    mutating func absorb(_ logMove: Double) {
        guard logMove != 0 else { return }
        logPrice += logMove
        price = exp(logPrice)
    }
}

/// What the venues read of the latent price each step (a small value, cheap to pass).
struct LatentView {
    var price: Double
    var regime: Int
    var momentum: Double
}

extension LatentPrice {
    var view: LatentView { LatentView(price: price, regime: regime.rawValue, momentum: momentum) }
}
