import LiqmapCore

/// Turns liquidation events into realized tile deltas, exactly: each event's `notional_usd` is rounded
/// once to `MicroUSD` and added, with a count of 1, to the cell (column of `ts`, row of `price`) of
/// every configured resolution. Other kinds of event are ignored. Pure: the caller decides when to take
/// the deltas (one batch, one transaction) and which events are new (deduplication is not done here).
public struct RealizedAccumulator: Sendable {
    /// What happened to one event.
    public enum Outcome: Sendable, Hashable {
        case added
        /// Not a liquidation.
        case ignored
        /// A liquidation that cannot be placed: no `ts`, a price off the grid, a USD value not convertible.
        case rejected(RejectReason)
    }

    /// Why a liquidation could not be placed.
    public enum RejectReason: String, Sendable, Hashable, Error { case noTime, badPrice, badUSD }

    public let grid: PriceGrid
    public let resolutions: [TimeResolution]
    /// The deltas gathered since the last `take()`.
    public private(set) var deltas: TileDeltas = [:]
    /// Liquidations added since the last `take()`.
    public private(set) var added = 0
    /// Liquidations rejected since creation, by reason.
    public private(set) var rejected: [RejectReason: Int] = [:]

    /// Accumulates at every resolution by default; pass only `.m1` to derive the rest by `Rollup`.
    public init(grid: PriceGrid = .standard, resolutions: [TimeResolution] = TimeResolution.allCases) {
        self.grid = grid
        self.resolutions = resolutions
    }

    /// Adds one event.
    @discardableResult
    public mutating func add(_ event: NormalizedEvent) -> Outcome {
        guard case .liquidation(let liquidation) = event.body else { return .ignored }
        let ts: Int64, baseRow: Int32, usd: MicroUSD
        switch Self.admit(event, liquidation, grid: grid) {
        case .failure(let reason): return reject(reason)
        case .success(let admitted): (ts, baseRow, usd) = admitted
        }
        let value = liquidation.side == .long
            ? CellValue(longUSD: usd, longCount: 1)
            : CellValue(shortUSD: usd, shortCount: 1)
        for resolution in resolutions {
            let column = resolution.column(ts: ts)
            let key = TileKey(
                venue: event.venue, instrument: event.instrument, layer: .realized, resolution: resolution,
                tile: TimeResolution.tile(ofColumn: column))
            let cell = CellKey(column: TimeResolution.offset(ofColumn: column), row: PriceGrid.row(baseRow, toLevel: resolution.priceLevel))
            deltas[key, default: .empty].add(value, at: cell)
        }
        added += 1
        return .added
    }

    /// The realized layer's rules for one liquidation: its time, its level-0 price row and its exact
    /// USD, or why it is refused. The aggregator checks events with this before they reach a row.
    public static func admit(_ event: NormalizedEvent, _ liquidation: Liquidation, grid: PriceGrid)
        -> Result<(ts: Int64, baseRow: Int32, usd: MicroUSD), RejectReason>
    {
        guard let ts = event.ts else { return .failure(.noTime) }
        guard let baseRow = grid.baseRow(price: liquidation.price) else { return .failure(.badPrice) }
        guard let usd = MicroUSD(usd: liquidation.notionalUSD), usd >= .zero else { return .failure(.badUSD) }
        return .success((ts, baseRow, usd))
    }

    /// Adds many events.
    public mutating func add(contentsOf events: some Sequence<NormalizedEvent>) {
        for event in events { add(event) }
    }

    /// Returns the gathered deltas and starts again from empty.
    public mutating func take() -> TileDeltas {
        defer {
            deltas = [:]
            added = 0
        }
        return deltas.filter { !$0.value.isEmpty }
    }

    private mutating func reject(_ reason: RejectReason) -> Outcome {
        rejected[reason, default: 0] += 1
        return .rejected(reason)
    }
}
