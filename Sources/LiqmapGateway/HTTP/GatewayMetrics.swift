import Prometheus

/// The gateway's own counters, registered directly in the Prometheus registry served at `/metrics`.
public struct GatewayMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    public init(registry: PrometheusCollectorRegistry) { self.registry = registry }

    /// `liqmap_gateway_requests_total{route,status}`.
    public func answered(route: String, status: Int) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(namespace: "liqmap", subsystem: "gateway", metricName: "requests", unitName: "total",
                                             helpText: "Gateway requests answered, by route pattern and HTTP status."),
            labels: [("route", route), ("status", "\(status)")]).increment()
    }

    /// `liqmap_gateway_database_errors_total{route}`.
    public func databaseError(route: String) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(namespace: "liqmap", subsystem: "gateway", metricName: "database_errors", unitName: "total",
                                             helpText: "Gateway requests answered 503 because PostgreSQL failed."),
            labels: [("route", route)]).increment()
    }
}
