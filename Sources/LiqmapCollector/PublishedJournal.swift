/// The batches a collector has published lately, kept after Redis took them (pure): if Redis loses
/// its data, the shard stream is re-created empty and these are published again into it. Bounded by
/// age and by bytes; the oldest go first. A batch published twice keeps its (src, seq), so the
/// aggregators apply each once.
public struct PublishedJournal: Sendable {
    /// One published batch: its shard, when, its stream fields.
    public struct Entry: Sendable {
        public let shard: Int
        public let atMs: Int64
        public let fields: [(name: String, value: [UInt8])]
        let bytes: Int
    }

    public let maxAgeMs: Int64
    public let maxBytes: Int
    private var entries: [Entry] = []
    private var head = 0
    public private(set) var bytes = 0

    public init(maxAgeMs: Int64, maxBytes: Int) {
        self.maxAgeMs = maxAgeMs
        self.maxBytes = maxBytes
    }

    /// Batches held.
    public var count: Int { entries.count - head }

    /// Keeps a published batch, then drops what is past the age or the byte bound.
    public mutating func append(shard: Int, fields: [(name: String, value: [UInt8])], now: Int64) {
        guard maxAgeMs > 0, maxBytes > 0 else { return }
        let size = fields.reduce(0) { $0 + $1.name.utf8.count + $1.value.count }
        entries.append(Entry(shard: shard, atMs: now, fields: fields, bytes: size))
        bytes += size
        trim(now: now)
    }

    /// Drops batches older than the age bound, and the oldest while over the byte bound.
    public mutating func trim(now: Int64) {
        while head < entries.count, entries[head].atMs < now - maxAgeMs || bytes > maxBytes {
            bytes -= entries[head].bytes
            head += 1
        }
        if head > 1_024, head * 2 > entries.count {
            entries.removeFirst(head)
            head = 0
        }
    }

    /// The batches of `shard`, oldest first.
    public func batches(shard: Int) -> [[(name: String, value: [UInt8])]] {
        entries[head...].filter { $0.shard == shard }.map(\.fields)
    }

    /// Forgets everything (the shard numbers changed with a reshard).
    public mutating func removeAll() {
        entries = []
        head = 0
        bytes = 0
    }
}
