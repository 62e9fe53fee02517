/// Where encoders write frames: one byte arena and an index of (receive time, order, feed, range),
/// plus the truth indices of liquidations a feed showed.
struct FrameSink {
    struct Entry {
        var recvTs: Int64
        var seq: Int64
        var feed: Int32
        var start: Int32
        var end: Int32
    }

    var arena: [UInt8] = []
    var entries: [Entry] = []
    var seq: Int64 = 0
    /// Truth indices of liquidations that appeared on a feed as their own event.
    var reported: [Int] = []

    init() {
        arena.reserveCapacity(1 << 20)
        entries.reserveCapacity(4096)
    }

    /// Records the bytes written since `start` as one frame.
    @inline(__always)
    mutating func commit(from start: Int, recvTs: Int64, feed: Int) {
        entries.append(Entry(recvTs: recvTs, seq: seq, feed: Int32(feed), start: Int32(start), end: Int32(arena.count)))
        seq += 1
    }
}

/// Receive times of one connection: the venue time plus a latency draw, never earlier than the
/// previous frame on the same connection (one TCP stream delivers in order).
struct Connection {
    var last: Int64 = 0
    var rng: SimRandom
    let latency: ClosedRange<Int>

    init(rng: SimRandom, latency: ClosedRange<Int>) {
        self.rng = rng
        self.latency = latency
    }

    @inline(__always)
    mutating func receive(_ ts: Int64) -> Int64 {
        let lat = Int64(latency.lowerBound + rng.below(latency.upperBound - latency.lowerBound + 1))
        last = max(last, ts + lat)
        return last
    }
}
