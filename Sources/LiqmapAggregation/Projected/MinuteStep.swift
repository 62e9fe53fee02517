/// What one `LiquidationBook.advance` did (USD at entry notional).
public struct MinuteStep: Sendable, Hashable {
    public var minute: Int64
    /// Levels crossed by the minute's mark range and removed.
    public var triggeredLongUSD = 0.0
    public var triggeredShortUSD = 0.0
    /// New positions placed.
    public var openedLongUSD = 0.0
    public var openedShortUSD = 0.0
    /// New open interest that no tier could place (a tier that cannot be liquidated, e.g. 1x long).
    public var unplacedUSD = 0.0
    /// Share of the book closed by an open-interest decrease (0 when none).
    public var shrinkFraction = 0.0
    /// Factor the age decay applied (1 without decay).
    public var decayFactor = 1.0
    /// The open-interest change was too large to believe: the book was left alone.
    public var oiGlitch = false
    /// The summary was not newer than the book's last minute and was ignored.
    public var stale = false

    public init(minute: Int64) { self.minute = minute }
}
