import LiqmapStatus

/// One sample of a collector's health figures (what its registry beat carries).
public struct CollectorVitals: Sendable, Equatable {
    public var state: CollectorState
    public var connectionsPlanned: Int
    public var connectionsUp: Int
    public var stateSinceMs: Int64
    public var events: Int
    public var eventsPerSecond: Double
    public var lastFrameMs: Int64?
    public var reconnects: Int
    public var malformed: Int
    public var malformedLastMinute: Int
    /// ``ClockOffsetWindow/offsetMs``: this machine's clock against the venue's trade times.
    public var clockOffsetMs: Int64?
}

/// Connection state and the rates between samples: events/s since the previous sample, malformed
/// frames over the last minute. Pure; the collector core owns one.
struct VitalsTracker: Sendable {
    var planned = 0
    var up = 0
    var replaying = false
    private(set) var state: CollectorState = .disconnected
    private(set) var stateSinceMs: Int64 = 0
    private var previous: (ms: Int64, events: Int)?
    /// (time, malformed total) of the samples of the last minute, oldest first.
    private var malformedHistory: [(ms: Int64, total: Int)] = []

    var currentState: CollectorState {
        if replaying { return .replaying }
        if planned > 0, up >= planned { return .connected }
        return up > 0 ? .partial : .disconnected
    }

    /// Call after `planned`, `up` or `replaying` changed.
    mutating func stateChanged(at ms: Int64) {
        let now = currentState
        if now != state || stateSinceMs == 0 {
            state = now
            stateSinceMs = ms
        }
    }

    mutating func sample(nowMs: Int64, events: Int, malformed: Int, lastFrameMs: Int64?, reconnects: Int, clockOffsetMs: Int64? = nil) -> CollectorVitals {
        if stateSinceMs == 0 { stateSinceMs = nowMs }
        var rate = 0.0
        if let p = previous, nowMs > p.ms { rate = Double(events - p.events) * 1000 / Double(nowMs - p.ms) }
        previous = (nowMs, events)
        malformedHistory.removeAll { nowMs - $0.ms > 60_000 }
        let minuteAgo = malformedHistory.first?.total ?? malformed
        malformedHistory.append((nowMs, malformed))
        return CollectorVitals(state: state, connectionsPlanned: planned, connectionsUp: min(up, max(planned, up)), stateSinceMs: stateSinceMs,
                               events: events, eventsPerSecond: rate, lastFrameMs: lastFrameMs, reconnects: reconnects,
                               malformed: malformed, malformedLastMinute: malformed - minuteAgo, clockOffsetMs: clockOffsetMs)
    }
}
