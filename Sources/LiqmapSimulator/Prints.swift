/// A trade the market printed on one venue: the taker side, price (integer units of the
/// instrument's price decimals, on the tick) and size in lots; `liquidation` is the truth index of
/// the liquidation whose order it was, or -1.
struct TradePrint {
    var asset: Int
    var ts: Int64
    var takerBuy: Bool
    var price: Int64
    var lots: Int64
    var liquidation: Int
}

/// A liquidation the market executed: the position side, size, the fill price of the liquidation
/// order and the position's bankruptcy price (integer price units), and its truth index.
struct LiquidationPrint {
    var asset: Int
    var ts: Int64
    var long: Bool
    var lots: Int64
    var fillPrice: Int64
    var bankruptcyPrice: Int64
    var truthIndex: Int
}

/// One venue's state for an asset as the encoders publish it (mark/index/funding, open interest).
struct VenueQuote {
    var mark: Double
    var index: Double
    var funding: Double
    var lastPrice: Int64
    /// Open interest (one side) in lots.
    var openLots: Int64
}
