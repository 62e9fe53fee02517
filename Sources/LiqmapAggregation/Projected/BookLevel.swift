/// One estimated open liquidation level of the book: positions of one side and leverage tier whose
/// liquidation prices fall in one base price row, with their USD-weighted mean liquidation price.
/// `usd` is notional at entry; `oi` is the same positions in open-interest units (base for linear
/// contracts, USD for inverse).
public struct BookLevel: Sendable, Hashable, Codable {
    public var row: Int32
    public var price: Double
    public var usd: Double
    public var oi: Double

    public init(row: Int32, price: Double, usd: Double, oi: Double) {
        self.row = row
        self.price = price
        self.usd = usd
        self.oi = oi
    }

    /// Scales the positions (a proportional close or decay).
    mutating func scale(by factor: Double) {
        usd *= factor
        oi *= factor
    }

    /// Adds positions in the same row; the price becomes the USD-weighted mean.
    mutating func absorb(_ other: BookLevel) {
        let total = usd + other.usd
        if total > 0 { price = (price * usd + other.price * other.usd) / total }
        usd = total
        oi += other.oi
    }
}

/// The levels of one leverage tier, each side ascending by row (and so by price).
public struct TierLevels: Sendable, Hashable, Codable {
    public var long: [BookLevel] = []
    public var short: [BookLevel] = []

    public init() {}

    /// Inserts, merging with a level in the same row.
    mutating func insert(_ level: BookLevel, side isLong: Bool) {
        if isLong { Self.insert(level, into: &long) } else { Self.insert(level, into: &short) }
    }

    private static func insert(_ level: BookLevel, into levels: inout [BookLevel]) {
        var low = 0, high = levels.count
        while low < high {
            let mid = (low + high) / 2
            if levels[mid].row < level.row { low = mid + 1 } else { high = mid }
        }
        if low < levels.count, levels[low].row == level.row { levels[low].absorb(level) } else { levels.insert(level, at: low) }
    }
}
