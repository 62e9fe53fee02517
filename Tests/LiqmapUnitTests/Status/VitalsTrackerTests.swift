@testable import LiqmapCollector
import LiqmapStatus
import Testing

/// A collector's connection state and rates between registry beats.
@Suite("Status: collector vitals")
struct VitalsTrackerTests {
    @Test("state follows connections up over planned, and its since-time moves only on a change")
    func state() {
        var v = VitalsTracker()
        v.planned = 2
        v.stateChanged(at: 1_000)
        #expect(v.state == .disconnected && v.stateSinceMs == 1_000)
        v.up = 1; v.stateChanged(at: 2_000)
        #expect(v.state == .partial && v.stateSinceMs == 2_000)
        v.up = 2; v.stateChanged(at: 3_000)
        #expect(v.state == .connected && v.stateSinceMs == 3_000)
        v.up = 3; v.stateChanged(at: 4_000)
        #expect(v.state == .connected && v.stateSinceMs == 3_000, "a rollover successor overlapping is still connected, since 3000")
        v.replaying = true; v.stateChanged(at: 5_000)
        #expect(v.state == .replaying)
    }

    @Test("events per second between samples; malformed frames over the last minute")
    func rates() {
        var v = VitalsTracker()
        var s = v.sample(nowMs: 0, events: 0, malformed: 0, lastFrameMs: nil, reconnects: 0)
        #expect(s.eventsPerSecond == 0 && s.malformedLastMinute == 0)
        s = v.sample(nowMs: 2_000, events: 500, malformed: 3, lastFrameMs: 1_900, reconnects: 1)
        #expect(s.eventsPerSecond == 250 && s.malformedLastMinute == 3 && s.lastFrameMs == 1_900 && s.reconnects == 1)
        for t in stride(from: 4_000, through: 60_000, by: 2_000) { s = v.sample(nowMs: Int64(t), events: 500, malformed: 3, lastFrameMs: 1_900, reconnects: 1) }
        #expect(s.eventsPerSecond == 0 && s.malformedLastMinute == 3)
        s = v.sample(nowMs: 64_000, events: 500, malformed: 3, lastFrameMs: 1_900, reconnects: 1)
        #expect(s.malformedLastMinute == 0, "the 3 came more than a minute ago")
    }
}
