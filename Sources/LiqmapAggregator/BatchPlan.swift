import LiqmapAggregation
import LiqmapCore
import LiqmapRedis
import LiqmapWire

/// One stream entry as the owner reads it: a producer batch, or a reason it cannot be read.
public struct DecodedEntry: Sendable {
    public enum Content: Sendable {
        case batch(EventBatch)
        case unreadable(reason: String, raw: [UInt8])
    }

    public var id: String
    public var content: Content
}

/// A liquidation as the realized layer records it (`realized_liquidations`): the exact amount in
/// MicroUSD and the identity key that makes a duplicate insert nothing.
public struct LiquidationRow: Sendable, Hashable {
    public var eventKey: String
    public var venue: String
    public var feed: String
    public var instrument: String
    public var asset: String
    public var side: String
    public var ts: Int64
    public var price: Double
    public var qty: Double
    public var usdMicros: Int64
    public var streamID: String
    /// The event, for the tile accumulator once the insert has said it is new.
    public var event: NormalizedEvent
}

/// What one read of the shard stream turns into before the transaction: which batches are new,
/// the liquidation rows they carry, the other events for the projection model, and what cannot be
/// used (dead letters). Pure: the owner feeds it the entries and the set of batches already applied.
public struct BatchPlan: Sendable {
    /// (src, seq, stream id, event count) of each batch not applied before, in stream order.
    public var newBatches: [(src: String, seq: Int64, streamID: String, events: Int)] = []
    /// Liquidations of new batches, one per identity key (the first seen wins).
    public var liquidations: [LiquidationRow] = []
    /// Trades, open interest and marks of new batches, in stream order.
    public var modelEvents: [NormalizedEvent] = []
    /// Entries or events that cannot be applied, with the reason (stored in `dead_letters`).
    public var deadLetters: [(streamID: String, reason: String, raw: [UInt8])] = []
    /// Entries skipped because their batch was applied before (re-delivery, producer re-send).
    public var duplicateBatches = 0
    /// Liquidations dropped inside this read because an earlier one had the same identity.
    public var duplicateLiquidationsInRead = 0
    /// The largest event time among new batches, for the model's watermark.
    public var maxEventTs: Int64?
    /// Events in new batches.
    public var newEvents = 0

    public init() {}

    /// Decodes stream entries (encoding v1). An entry whose fields are gone (deleted under the
    /// group) is reported by the caller as loss, not here.
    public static func decode(_ entries: [StreamEntry]) -> [DecodedEntry] {
        entries.compactMap { entry in
            guard let fields = entry.fields else { return nil }
            do {
                return DecodedEntry(id: entry.id, content: .batch(try EventBatchCodec.decode(entry.pairs)))
            } catch {
                var raw: [UInt8] = []
                for f in fields {
                    raw += Array(f.name.utf8) + [UInt8(ascii: "=")] + f.value.prefix(64 * 1024) + [UInt8(ascii: "\n")]
                }
                return DecodedEntry(id: entry.id, content: .unreadable(reason: "\(error)", raw: raw))
            }
        }
    }

    /// Plans a read: `applied` holds the (src, seq) pairs already in `applied_batches`.
    public static func plan(_ entries: [DecodedEntry], applied: Set<BatchID>) -> BatchPlan {
        var plan = BatchPlan()
        var seenBatches = applied
        var seenKeys = Set<String>()
        for entry in entries {
            switch entry.content {
            case .unreadable(let reason, let raw):
                plan.deadLetters.append((entry.id, reason, raw))
            case .batch(let batch):
                let id = BatchID(batch)
                guard seenBatches.insert(id).inserted else {
                    plan.duplicateBatches += 1
                    continue
                }
                plan.newBatches.append((id.src, id.seq, entry.id, batch.events.count))
                plan.newEvents += batch.events.count
                for event in batch.events {
                    if let ts = event.ts { plan.maxEventTs = max(plan.maxEventTs ?? ts, ts) }
                    guard case .liquidation(let l) = event.body else {
                        plan.modelEvents.append(event)
                        continue
                    }
                    switch LiquidationRow.make(event, l, streamID: entry.id) {
                    case .failure(let reason):
                        plan.deadLetters.append((entry.id, "liquidation refused (\(reason)): \(event.identityKey)", Array(event.identityKey.utf8)))
                    case .success(let row):
                        if seenKeys.insert(row.eventKey).inserted {
                            plan.liquidations.append(row)
                        } else {
                            plan.duplicateLiquidationsInRead += 1
                        }
                    }
                }
            }
        }
        return plan
    }
}

/// A producer batch's name: (src, seq).
public struct BatchID: Sendable, Hashable {
    public var src: String
    public var seq: Int64
    public init(src: String, seq: Int64) {
        self.src = src
        self.seq = seq
    }

    /// The name a producer gave a batch.
    public init(_ batch: EventBatch) { self.init(src: batch.source, seq: Int64(clamping: batch.sequence)) }
}

extension LiquidationRow {
    static func make(_ event: NormalizedEvent, _ l: Liquidation, streamID: String) -> Result<LiquidationRow, RefusedLiquidation> {
        // The accumulator's own rules, so the database never holds a row the tiles do not; and a
        // size that is not a number.
        switch RealizedAccumulator.admit(event, l, grid: .standard) {
        case .failure(let reason):
            let words: [RealizedAccumulator.RejectReason: String] = [.noTime: "no time", .badPrice: "bad price", .badUSD: "bad USD"]
            return .failure(RefusedLiquidation(reason: words[reason]!))
        case .success(let admitted):
            guard l.qty.isFinite else { return .failure(RefusedLiquidation(reason: "bad qty")) }
            return .success(LiquidationRow(
                eventKey: event.identityKey, venue: event.venue.rawValue, feed: event.feed.rawValue, instrument: event.instrument,
                asset: InstrumentName.asset(of: event.instrument), side: l.side.rawValue, ts: admitted.ts, price: l.price, qty: l.qty,
                usdMicros: admitted.usd.micros, streamID: streamID, event: event))
        }
    }
}

/// Why a liquidation cannot enter the realized layer.
public struct RefusedLiquidation: Error, Sendable, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}
