import LiqmapRedis

/// Where a shard stream may be trimmed without removing anything a consumer group still needs
/// (pure). Entries at or after each group's oldest pending id, and after its last-delivered id, are
/// needed; trimming goes up to the smallest of those over all groups, and never past `keep` entries
/// from the end (so an operator looking at a stream sees recent history).
public enum StreamTrimPolicy {
    /// What one group still needs: its oldest pending id (nil when nothing is pending) and its
    /// last-delivered id.
    public struct GroupState: Sendable, Hashable {
        public var oldestPending: String?
        public var lastDelivered: String
        public init(oldestPending: String?, lastDelivered: String) {
            self.oldestPending = oldestPending
            self.lastDelivered = lastDelivered
        }
    }

    /// The `MINID` to trim to, or nil when nothing may be trimmed (no group yet: nobody has read the
    /// stream, so everything is still needed).
    public static func minID(groups: [GroupState], keepFrom: String? = nil) -> String? {
        guard !groups.isEmpty else { return nil }
        var limit: StreamID? = nil
        for g in groups {
            // The first entry the group still needs: its oldest pending one, else the one after the last delivered.
            let needed: StreamID
            if let pending = g.oldestPending.flatMap(StreamID.init) {
                needed = pending
            } else if let delivered = StreamID(g.lastDelivered) {
                needed = delivered.next
            } else {
                return nil
            }
            limit = limit.map { min($0, needed) } ?? needed
        }
        if let keep = keepFrom.flatMap(StreamID.init), let l = limit { limit = min(l, keep) }
        guard let limit, limit > StreamID(ms: 0, seq: 0) else { return nil }
        return limit.description
    }
}

/// A stream entry id `ms-seq`, ordered as Redis orders them.
public struct StreamID: Comparable, Hashable, Sendable, CustomStringConvertible {
    public let ms: UInt64
    public let seq: UInt64

    public init(ms: UInt64, seq: UInt64) {
        self.ms = ms
        self.seq = seq
    }

    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let ms = UInt64(parts[0]), let seq = UInt64(parts[1]) else { return nil }
        self.init(ms: ms, seq: seq)
    }

    /// The smallest id after this one.
    public var next: StreamID { seq == .max ? StreamID(ms: ms + 1, seq: 0) : StreamID(ms: ms, seq: seq + 1) }

    public var description: String { "\(ms)-\(seq)" }

    public static func < (a: StreamID, b: StreamID) -> Bool { (a.ms, a.seq) < (b.ms, b.seq) }
}
