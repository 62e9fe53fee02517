/// The collector's clock against the venue's: the lowest (receive time − venue event time) of the
/// trades of the last `windowSeconds`, kept in one-second buckets. Network and venue latency only add
/// to that difference, so its lowest value is the best bound on the clock offset: positive when this
/// machine's clock is ahead (or the venue's stamps lag). Pure; the collector core owns one.
struct ClockOffsetWindow: Sendable {
    var windowSeconds: Int64 = 10
    /// (receive second, lowest difference in ms), oldest first.
    private(set) var buckets: [(second: Int64, lowestMs: Int64)] = []

    init(windowSeconds: Int64 = 10) { self.windowSeconds = windowSeconds }

    /// Adds one trade received at `receivedMs` that the venue stamped `eventMs` (both Unix ms).
    mutating func add(receivedMs: Int64, eventMs: Int64) {
        let second = receivedMs >= 0 ? receivedMs / 1000 : (receivedMs - 999) / 1000
        let difference = receivedMs - eventMs
        if let i = buckets.lastIndex(where: { $0.second == second }) {
            buckets[i].lowestMs = min(buckets[i].lowestMs, difference)
        } else if buckets.last.map({ $0.second < second }) ?? true {
            buckets.append((second, difference))
        } else {
            // A receive time older than the newest bucket (a clock stepped back): start again from it.
            buckets = [(second, difference)]
        }
        let oldest = second - windowSeconds + 1
        if let keep = buckets.firstIndex(where: { $0.second >= oldest }), keep > 0 { buckets.removeFirst(keep) }
    }

    /// The offset estimate in ms: the lowest difference in the window; nil before any trade.
    var offsetMs: Int64? { buckets.map(\.lowestMs).min() }
}
