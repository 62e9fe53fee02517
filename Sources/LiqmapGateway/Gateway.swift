import Hummingbird
import LiqmapPostgres
import LiqmapRedis
import Logging
import Prometheus

/// The gateway: its PostgreSQL pool, its Redis client and the Hummingbird application serving
/// `/healthz`, `/readyz`, `/metrics`, `/openapi.json` and `/v1/liquidations`.
public struct Gateway: Sendable {
    public let configuration: GatewayConfiguration
    public let pool: PostgresPool
    public let redis: RedisClient
    public let registry: PrometheusCollectorRegistry
    public let logger: Logger
    /// The auth and rate-limit state shared by all requests.
    public let security: GatewaySecurity

    /// Throws only for a malformed Redis URL; nothing connects until the first request. `clock`
    /// (monotonic nanoseconds) drives the key cache and the rate limiter; tests pass their own.
    public init(configuration: GatewayConfiguration, registry: PrometheusCollectorRegistry, logger: Logger,
                clock: @escaping @Sendable () -> UInt64 = MonotonicClock.nanoseconds) throws {
        self.configuration = configuration
        self.pool = PostgresPool(conninfo: configuration.postgresURL, size: configuration.poolSize, settings: configuration.session)
        self.redis = try RedisClient(url: configuration.redisURL, timeout: configuration.redisTimeoutSeconds)
        self.registry = registry
        self.logger = logger
        self.security = GatewaySecurity(settings: configuration.security, store: ApiKeyStore(pool: pool), clock: clock)
    }

    /// The router: request metrics outermost, then errors to JSON (also for unknown routes), then
    /// CORS, auth and the rate limit (as configured), then the routes.
    public func router() -> Router<GatewayRequestContext> {
        let router = Router(context: GatewayRequestContext.self)
        router.add(middleware: RequestMetrics(metrics: GatewayMetrics(registry: registry)))
        router.add(middleware: ErrorMiddleware())
        security.addMiddlewares(to: router)
        GatewayRoutes(readiness: ReadinessProbe(redis: redis, pool: pool), liquidations: LiquidationReader(pool: pool),
                      registry: registry).register(on: router)
        return router
    }

    /// The application (a `Service`: run it under a `ServiceGroup` for graceful shutdown).
    public func application() -> Application<RouterResponder<GatewayRequestContext>> {
        Application(
            router: router(),
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port),
                                                    serverName: "liqmap-gateway"),
            logger: logger
        )
    }
}
