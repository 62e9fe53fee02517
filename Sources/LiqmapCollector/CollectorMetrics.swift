import LiqmapCore
import CoreMetrics
import Metrics

/// The per-feed metrics of a collector (swift-metrics; served in Prometheus format by
/// `MetricsServer`). Names and labels are part of the operator interface (dashboards, alerts).
struct CollectorMetrics: Sendable {
    let feed: Feed
    let frames: Counter
    let duplicates: Counter
    let reconnects: Counter
    let restErrors: Counter
    let gaps: Counter
    /// Unix seconds of the last frame received (set at each registry beat).
    let lastFrame: Gauge
    /// Receive time minus the venue's trade time, lowest over the last 10 s (``ClockOffsetWindow``).
    let clockOffset: Gauge

    init(feed: Feed) {
        self.feed = feed
        let d = [("feed", feed.rawValue)]
        frames = Counter(label: "liqmap_collector_frames_total", dimensions: d)
        duplicates = Counter(label: "liqmap_collector_duplicates_dropped_total", dimensions: d)
        reconnects = Counter(label: "liqmap_collector_reconnects_total", dimensions: d)
        restErrors = Counter(label: "liqmap_collector_rest_errors_total", dimensions: d)
        gaps = Counter(label: "liqmap_collector_gaps_total", dimensions: d)
        lastFrame = Gauge(label: "liqmap_collector_last_event_timestamp_seconds", dimensions: d)
        clockOffset = Gauge(label: "liqmap_collector_clock_offset_seconds", dimensions: d)
    }

    func events(_ kind: EventKind, _ n: Int) {
        Counter(label: "liqmap_collector_events_total", dimensions: [("feed", feed.rawValue), ("kind", kind.rawValue)]).increment(by: n)
    }

    func malformed(reason: String) {
        Counter(label: "liqmap_collector_malformed_total", dimensions: [("feed", feed.rawValue), ("reason", reason)]).increment()
    }
}
