import CoreMetrics
import Metrics

/// The aggregator's metrics (swift-metrics; Prometheus through LiqmapObservability), per shard.
public struct AggregatorMetrics: Sendable {
    public let entries: Counter
    public let events: Counter
    public let batchesDuplicate: Counter
    public let liquidationsApplied: Counter
    public let liquidationsDuplicate: Counter
    public let deadLetters: Counter
    public let pelDeleted: Counter
    public let streamsLost: Counter
    public let fencedRejections: Counter
    public let takeovers: Counter
    public let stepDowns: Counter
    public let lateEvents: Gauge
    public let commitSeconds: Timer
    public let isOwner: Gauge
    public let epoch: Gauge
    /// Unix seconds of this process's last commit.
    public let lastCommit: Gauge
    /// Entries of the shard stream the group has not read, and delivered-but-unacknowledged ones
    /// (sampled every registry beat by ``StreamGauges``).
    public let streamLag: Gauge
    public let pending: Gauge

    public init(shard: Int) {
        let d = [("shard", String(shard))]
        entries = Counter(label: "liqmap_aggregator_entries_total", dimensions: d)
        events = Counter(label: "liqmap_aggregator_events_total", dimensions: d)
        batchesDuplicate = Counter(label: "liqmap_aggregator_duplicate_batches_total", dimensions: d)
        liquidationsApplied = Counter(label: "liqmap_aggregator_liquidations_applied_total", dimensions: d)
        liquidationsDuplicate = Counter(label: "liqmap_aggregator_duplicate_liquidations_total", dimensions: d)
        deadLetters = Counter(label: "liqmap_aggregator_dead_letters_total", dimensions: d)
        pelDeleted = Counter(label: "liqmap_aggregator_pel_deleted_total", dimensions: d)
        streamsLost = Counter(label: "liqmap_aggregator_streams_lost_total", dimensions: d)
        fencedRejections = Counter(label: "liqmap_aggregator_fenced_rejections_total", dimensions: d)
        takeovers = Counter(label: "liqmap_aggregator_takeovers_total", dimensions: d)
        stepDowns = Counter(label: "liqmap_aggregator_step_downs_total", dimensions: d)
        lateEvents = Gauge(label: "liqmap_aggregator_late_events", dimensions: d)
        commitSeconds = Timer(label: "liqmap_aggregator_commit_seconds", dimensions: d, preferredDisplayUnit: .seconds)
        isOwner = Gauge(label: "liqmap_aggregator_owner", dimensions: d)
        epoch = Gauge(label: "liqmap_aggregator_epoch", dimensions: d)
        lastCommit = Gauge(label: "liqmap_aggregator_last_commit_timestamp_seconds", dimensions: d)
        streamLag = Gauge(label: "liqmap_aggregator_stream_lag", dimensions: d)
        pending = Gauge(label: "liqmap_aggregator_pending", dimensions: d)
    }
}
