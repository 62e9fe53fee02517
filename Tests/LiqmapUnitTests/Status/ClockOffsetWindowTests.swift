@testable import LiqmapCollector
import Testing

/// The collector's clock offset estimate: lowest (receive − venue time) over the last 10 s.
@Suite("Status: collector clock offset")
struct ClockOffsetWindowTests {
    @Test("nil before any trade; the lowest difference of the window, latency spikes ignored")
    func lowest() {
        var w = ClockOffsetWindow()
        #expect(w.offsetMs == nil)
        // A clock 90 s ahead, 20–400 ms of latency.
        for (i, latency) in [120, 20, 400, 35, 250].enumerated() {
            let event = 1_800_000_000_000 + Int64(i) * 300
            w.add(receivedMs: event + 90_000 + Int64(latency), eventMs: event)
        }
        #expect(w.offsetMs == 90_020)
        var behind = ClockOffsetWindow()
        behind.add(receivedMs: 1_000_000, eventMs: 1_007_500)
        #expect(behind.offsetMs == -7_500)
    }

    @Test("differences older than the window are forgotten, one-second buckets at a time")
    func window() {
        var w = ClockOffsetWindow(windowSeconds: 10)
        w.add(receivedMs: 100_000, eventMs: 99_990)  // 10 ms, second 100
        w.add(receivedMs: 105_500, eventMs: 105_000)  // 500 ms, second 105
        #expect(w.offsetMs == 10)
        w.add(receivedMs: 109_999, eventMs: 109_000)  // second 109: second 100 still in (100...109)
        #expect(w.offsetMs == 10)
        w.add(receivedMs: 110_000, eventMs: 109_300)  // second 110: second 100 drops out
        #expect(w.offsetMs == 500)
        #expect(w.buckets.map(\.second) == [105, 109, 110])
        w.add(receivedMs: 130_000, eventMs: 129_000)
        #expect(w.offsetMs == 1_000 && w.buckets.count == 1)
    }

    @Test("a receive time before the newest bucket (the clock stepped back) starts the window again")
    func steppedBack() {
        var w = ClockOffsetWindow()
        w.add(receivedMs: 200_000, eventMs: 110_000)  // 90 s ahead
        w.add(receivedMs: 200_400, eventMs: 110_300)
        w.add(receivedMs: 110_600, eventMs: 110_500)  // NTP stepped the clock back: 100 ms now
        #expect(w.offsetMs == 100)
        // Same second again, and a negative time (floor, not truncation, for the bucket).
        w.add(receivedMs: 110_900, eventMs: 110_880)
        #expect(w.offsetMs == 20 && w.buckets.count == 1)
        var early = ClockOffsetWindow()
        early.add(receivedMs: -1, eventMs: 0)
        #expect(early.buckets.first?.second == -1)
    }
}
