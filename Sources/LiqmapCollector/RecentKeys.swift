import LiqmapCore

/// A bounded set of recently seen event keys, oldest evicted first: drops events seen twice when a
/// venue re-sends after a reconnect (Bybit snapshots, OKX's replay of recent liquidations, a second
/// connection during a rollover).
public struct RecentKeys: Sendable {
    public let capacity: Int
    private var set: Set<String> = []
    private var ring: [String] = []
    private var next = 0

    public init(capacity: Int = 200_000) {
        precondition(capacity > 0)
        self.capacity = capacity
        ring.reserveCapacity(capacity)
    }

    /// True when `key` is new (and remembers it), false when it was seen recently.
    public mutating func insert(_ key: String) -> Bool {
        guard !set.contains(key) else { return false }
        if ring.count < capacity {
            ring.append(key)
        } else {
            set.remove(ring[next])
            ring[next] = key
            next = (next + 1) % capacity
        }
        set.insert(key)
        return true
    }

    /// The identity of an event for duplicate detection (`NormalizedEvent.identityKey`).
    public static func key(_ e: NormalizedEvent) -> String { e.identityKey }
}
