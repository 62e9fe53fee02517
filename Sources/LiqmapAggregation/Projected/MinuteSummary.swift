/// What the projected model needs from one minute of one instrument: open interest at the end of the
/// minute, taker flow, VWAP and the mark price's high, low and close. Optional fields are nil when
/// the minute had no such event (the model then skips the step that needs them).
public struct MinuteSummary: Sendable, Hashable, Codable {
    /// `floor(ts / 60,000)`.
    public var minute: Int64
    /// Open interest (one side) at the end of the minute, in base units.
    public var openInterestBase: Double?
    /// The same in USD, when known.
    public var openInterestUSD: Double?
    /// Taker buy and sell volume, USD.
    public var takerBuyUSD: Double
    public var takerSellUSD: Double
    /// Volume-weighted average trade price.
    public var vwap: Double?
    /// Mark price high, low and last of the minute (trade prices when the minute had no mark price).
    public var markHigh: Double?
    public var markLow: Double?
    public var markClose: Double?

    public init(
        minute: Int64, openInterestBase: Double? = nil, openInterestUSD: Double? = nil, takerBuyUSD: Double = 0, takerSellUSD: Double = 0,
        vwap: Double? = nil, markHigh: Double? = nil, markLow: Double? = nil, markClose: Double? = nil
    ) {
        self.minute = minute
        self.openInterestBase = openInterestBase
        self.openInterestUSD = openInterestUSD
        self.takerBuyUSD = takerBuyUSD
        self.takerSellUSD = takerSellUSD
        self.vwap = vwap
        self.markHigh = markHigh
        self.markLow = markLow
        self.markClose = markClose
    }

    /// Taker-buy share of the minute's volume, or nil without volume.
    public var takerBuyShare: Double? {
        let total = takerBuyUSD + takerSellUSD
        return total > 0 ? takerBuyUSD / total : nil
    }
}
