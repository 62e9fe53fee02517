import LiqmapCore

/// One Redis stream entry's worth of events from one producer (Protocols/streams.md, encoding v1).
///
/// `source` + `sequence` name the batch: a producer numbers its batches 1, 2, 3… and re-sends a batch
/// with the same number after a failed `XADD`, so a consumer can drop a batch it has already applied.
public struct EventBatch: Sendable, Hashable {
    /// The producer, e.g. `binance-usdm@host-a:4711`.
    public var source: String
    /// The producer's batch number, starting at 1.
    public var sequence: UInt64
    /// The events, in the order the producer saw them.
    public var events: [NormalizedEvent]

    public init(source: String, sequence: UInt64, events: [NormalizedEvent]) {
        self.source = source
        self.sequence = sequence
        self.events = events
    }
}
