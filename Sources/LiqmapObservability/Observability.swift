import Metrics
import NIOConcurrencyHelpers
import Prometheus

/// Process-wide metrics: swift-metrics, backed by a Prometheus registry that ``MetricsServer``
/// serves at `/metrics`.
public enum Observability {
    private static let state = NIOLockedValueBox<PrometheusCollectorRegistry?>(nil)

    /// Bootstraps swift-metrics once per process and returns the registry (later calls return the same one).
    @discardableResult
    public static func bootstrap() -> PrometheusCollectorRegistry {
        state.withLockedValue { registry in
            if let registry { return registry }
            let new = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: new))
            registry = new
            return new
        }
    }
}
