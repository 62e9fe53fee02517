/// One time resolution of the tile pyramid: columns are `floor(ts / milliseconds)`, 256 columns make a tile.
///
/// Every resolution is a whole number of minutes, so each is an exact multiple of `.m1` and coarser
/// columns are sums of finer ones. Each resolution also names the price level its tiles use
/// (`priceLevel`), so a 12 h window shows 0.02 % rows and a 1 y window 0.64 % rows.
public enum TimeResolution: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case m1 = "1m", m3 = "3m", m5 = "5m", m15 = "15m", h1 = "1h", h4 = "4h", h12 = "12h"

    /// Columns per tile.
    public static let columnsPerTile: Int64 = 256

    /// The column width in minutes.
    public var minutes: Int64 {
        switch self {
        case .m1: 1
        case .m3: 3
        case .m5: 5
        case .m15: 15
        case .h1: 60
        case .h4: 240
        case .h12: 720
        }
    }

    /// The column width in milliseconds.
    public var milliseconds: Int64 { minutes * 60_000 }

    /// The price level (`PriceGrid`) of this resolution's tiles: a row merges 2^level base rows.
    public var priceLevel: Int {
        switch self {
        case .m1: 0
        case .m3: 1
        case .m5, .m15: 2
        case .h1: 3
        case .h4: 4
        case .h12: 5
        }
    }

    /// A one-byte code for the binary tile header (stable; never reuse a code).
    public var code: UInt8 {
        switch self {
        case .m1: 1
        case .m3: 2
        case .m5: 3
        case .m15: 4
        case .h1: 5
        case .h4: 6
        case .h12: 7
        }
    }

    /// The resolution with this header code, if any.
    public init?(code: UInt8) {
        guard let match = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = match
    }

    /// The column holding time `ts` (Unix ms): `floor(ts / milliseconds)`, also for times before 1970.
    public func column(ts: Int64) -> Int64 { floorDiv(ts, milliseconds) }

    /// The column of this resolution that contains column `column` of the finer resolution `finer`.
    public func column(containing column: Int64, of finer: TimeResolution) -> Int64 {
        precondition(minutes % finer.minutes == 0, "\(self) is not a multiple of \(finer)")
        return floorDiv(column, minutes / finer.minutes)
    }

    /// Start time (Unix ms, inclusive) of a column.
    public func start(ofColumn column: Int64) -> Int64 { column * milliseconds }

    /// The tile holding a column: `floor(column / 256)`.
    public static func tile(ofColumn column: Int64) -> Int64 { floorDiv(column, columnsPerTile) }

    /// A column's position inside its tile, 0…255.
    public static func offset(ofColumn column: Int64) -> UInt8 { UInt8(column - tile(ofColumn: column) * columnsPerTile) }

    /// The column at `offset` inside `tile`.
    public static func column(tile: Int64, offset: UInt8) -> Int64 { tile * columnsPerTile + Int64(offset) }

    public static func < (lhs: TimeResolution, rhs: TimeResolution) -> Bool { lhs.minutes < rhs.minutes }
}

/// Floor division (rounds toward −∞, unlike `/`).
@inline(__always)
func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
