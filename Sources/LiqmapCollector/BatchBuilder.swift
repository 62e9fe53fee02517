import LiqmapCore
import LiqmapWire

/// Groups events into per-shard batches (pure): a shard's batch is ready when it reaches
/// `maxEvents` or about `maxBytes`, or when it is older than the flush interval.
public struct BatchBuilder: Sendable {
    /// A batch ready to publish: its shard, its sequence number and its events.
    public struct Ready: Sendable, Hashable {
        public let shard: Int
        public let sequence: UInt64
        public let events: [NormalizedEvent]
    }

    public let shards: ShardMap
    public let maxEvents: Int
    public let maxBytes: Int
    private var pending: [Int: (events: [NormalizedEvent], bytes: Int, since: Int64)] = [:]
    /// The last sequence number handed out; batches are numbered 1, 2, 3… across shards.
    public private(set) var sequence: UInt64

    public init(shards: ShardMap, maxEvents: Int = 500, maxBytes: Int = 256 * 1024, startingAfter sequence: UInt64 = 0) {
        self.shards = shards
        self.maxEvents = maxEvents
        self.maxBytes = maxBytes
        self.sequence = sequence
    }

    /// Events waiting in unfinished batches.
    public var pendingEvents: Int { pending.values.reduce(0) { $0 + $1.events.count } }

    /// Adds events (at time `now`, ms); returns the batches they completed.
    public mutating func add(_ events: [NormalizedEvent], now: Int64) -> [Ready] {
        var ready: [Ready] = []
        for event in events {
            let shard = shards.shard(venue: event.venue, instrument: event.instrument)
            let size = Self.approximateBytes(event)
            // Taken out of the dictionary so the append below does not copy the whole batch (copy-on-write).
            var entry = pending.removeValue(forKey: shard) ?? ([], 0, now)
            if !entry.events.isEmpty && entry.bytes + size > maxBytes {
                ready.append(seal(shard, entry.events))
                entry = ([], 0, now)
            }
            entry.events.append(event)
            entry.bytes += size
            if entry.events.count >= maxEvents {
                ready.append(seal(shard, entry.events))
            } else {
                pending[shard] = entry
            }
        }
        return ready
    }

    /// Batches older than `interval` ms at `now` (or all of them with `interval` 0).
    public mutating func due(now: Int64, interval: Int64) -> [Ready] {
        var ready: [Ready] = []
        for shard in pending.keys.sorted() {
            guard let entry = pending[shard], now - entry.since >= interval else { continue }
            ready.append(seal(shard, entry.events))
            pending[shard] = nil
        }
        return ready
    }

    private mutating func seal(_ shard: Int, _ events: [NormalizedEvent]) -> Ready {
        sequence += 1
        return Ready(shard: shard, sequence: sequence, events: events)
    }

    /// A cheap size estimate of one event's JSON line (symbol and id lengths plus the fixed fields).
    static func approximateBytes(_ e: NormalizedEvent) -> Int {
        var n = 190 + 2 * e.symbol.utf8.count
        if case .trade(let t) = e.body { n += t.id.utf8.count + 20 }
        return n
    }
}
