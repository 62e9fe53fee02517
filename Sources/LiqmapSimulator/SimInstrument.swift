import LiqmapCore

/// One simulated contract on one feed: its symbol and its ``ContractFormat``.
@dynamicMemberLookup
public struct SimInstrument: Sendable, Hashable {
    public var symbol: String
    public var asset: String
    public var quote: String
    /// Tick, lot and size unit (no strings: cheap to copy in the hot paths).
    public var format: ContractFormat

    public init(symbol: String, asset: String, quote: String, priceDecimals: Int, tickUnits: Int64, sizeDecimals: Int, lotUnits: Int64,
                sizing: ContractFormat.Sizing) {
        self.symbol = symbol
        self.asset = asset
        self.quote = quote
        self.format = ContractFormat(priceDecimals: priceDecimals, tickUnits: tickUnits, sizeDecimals: sizeDecimals, lotUnits: lotUnits,
                                     sizing: sizing)
    }

    public subscript<T>(dynamicMember path: KeyPath<ContractFormat, T>) -> T { format[keyPath: path] }

    public func priceUnits(_ price: Double) -> Int64 { format.priceUnits(price) }
    public func price(units: Int64) -> Double { format.price(units: units) }
    public func qty(lots: Int64, price: Double) -> Double { format.qty(lots: lots, price: price) }
    public func usd(lots: Int64, price: Double) -> Double { format.usd(lots: lots, price: price) }
    public func marginSize(lots: Int64) -> Double { format.marginSize(lots: lots) }
    public func lots(usd: Double, price: Double) -> Int64 { format.lots(usd: usd, price: price) }
}

/// A contract's price tick and lot and what a unit of the wire's size field is worth. Prices are
/// carried as integers of `10^-priceDecimals`, sizes as whole lots; a lot is
/// `lotUnits × 10^-sizeDecimals` size units.
public struct ContractFormat: Sendable, Hashable {
    /// What one size unit on the wire is.
    public enum Sizing: Sendable, Hashable {
        /// Base units per size unit (1 for venues that size in coin, `ctVal` for OKX contracts).
        case linear(basePerUnit: Double)
        /// USD per size unit (Binance COIN-M contracts 100/10 USD, Bybit/BitMEX/Deribit 1 USD).
        case inverse(usdPerUnit: Double)
    }

    public var priceDecimals: Int
    public var tickUnits: Int64
    public var sizeDecimals: Int
    public var lotUnits: Int64
    public var sizing: Sizing

    public init(priceDecimals: Int, tickUnits: Int64, sizeDecimals: Int, lotUnits: Int64, sizing: Sizing) {
        self.priceDecimals = priceDecimals
        self.tickUnits = tickUnits
        self.sizeDecimals = sizeDecimals
        self.lotUnits = lotUnits
        self.sizing = sizing
    }

    public var isInverse: Bool { if case .inverse = sizing { true } else { false } }
    public var tick: Double { Double(tickUnits) / Double(ByteFormat.powersOfTen[priceDecimals]) }
    /// Size units (as printed) per lot.
    public var unitsPerLot: Double { Double(lotUnits) / Double(ByteFormat.powersOfTen[sizeDecimals]) }

    /// A price rounded to the tick, as integer units of `10^-priceDecimals` (at least one tick).
    @inline(__always)
    public func priceUnits(_ price: Double) -> Int64 {
        let ticks = (price * Double(ByteFormat.powersOfTen[priceDecimals]) / Double(tickUnits)).rounded()
        return max(1, Int64(ticks)) * tickUnits
    }

    @inline(__always)
    public func price(units: Int64) -> Double { Double(units) / Double(ByteFormat.powersOfTen[priceDecimals]) }

    /// Base quantity of `lots` at `price`.
    @inline(__always)
    public func qty(lots: Int64, price: Double) -> Double {
        switch sizing {
        case .linear(let b): Double(lots) * unitsPerLot * b
        case .inverse(let u): Double(lots) * unitsPerLot * u / price
        }
    }

    /// USD notional of `lots` at `price`.
    @inline(__always)
    public func usd(lots: Int64, price: Double) -> Double {
        switch sizing {
        case .linear(let b): Double(lots) * unitsPerLot * b * price
        case .inverse(let u): Double(lots) * unitsPerLot * u
        }
    }

    /// The position size the margin formulas take: base units (linear) or USD (inverse).
    @inline(__always)
    public func marginSize(lots: Int64) -> Double {
        switch sizing {
        case .linear(let b): Double(lots) * unitsPerLot * b
        case .inverse(let u): Double(lots) * unitsPerLot * u
        }
    }

    /// Whole lots (at least one) closest to a USD amount at `price`.
    @inline(__always)
    public func lots(usd: Double, price: Double) -> Int64 {
        let perLot: Double
        switch sizing {
        case .linear(let b): perLot = unitsPerLot * b * price
        case .inverse(let u): perLot = unitsPerLot * u
        }
        return max(1, Int64((usd / perLot).rounded()))
    }

    /// Writes a size of `lots` as the wire prints it.
    @inline(__always)
    func appendSize(lots: Int64, to out: inout [UInt8]) {
        ByteFormat.append(units: lots * lotUnits, decimals: sizeDecimals, to: &out)
    }

    @inline(__always)
    func appendPrice(units: Int64, to out: inout [UInt8]) {
        ByteFormat.append(units: units, decimals: priceDecimals, to: &out)
    }

    /// A non-tick price (mark, index) printed with the instrument's decimals.
    @inline(__always)
    func appendPrice(_ price: Double, to out: inout [UInt8]) {
        ByteFormat.append(fixed: price, decimals: priceDecimals, to: &out)
    }
}
