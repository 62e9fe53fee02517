import Foundation
import Hummingbird
import HummingbirdWebSocket
import LiqmapAggregation
import LiqmapPostgres
import LiqmapRedis
import Logging
import Prometheus
import ServiceLifecycle

/// The gateway: its PostgreSQL pool, its Redis client, the view cache and live hub fed by the
/// notice listener, and the Hummingbird application serving the routes of docs/API.md.
public struct Gateway: Sendable {
    public let configuration: GatewayConfiguration
    public let pool: PostgresPool
    public let redis: RedisClient
    public let registry: PrometheusCollectorRegistry
    public let logger: Logger
    public let cache: ViewCache
    public let hub: LiveHub
    public let views: ViewService
    /// The wall clock, Unix ms (tests pin it).
    public let now: @Sendable () -> Int64
    /// The auth and rate-limit state shared by all requests.
    public let security: GatewaySecurity

    /// Throws only for a malformed Redis URL; nothing connects until the first request. `clock`
    /// (monotonic nanoseconds) drives the key cache and the rate limiter; tests pass their own.
    public init(configuration: GatewayConfiguration, registry: PrometheusCollectorRegistry, logger: Logger,
                now: @escaping @Sendable () -> Int64 = WallClock.nowMs,
                clock: @escaping @Sendable () -> UInt64 = MonotonicClock.nanoseconds) throws {
        self.configuration = configuration
        self.pool = PostgresPool(conninfo: configuration.readURL, size: configuration.poolSize, settings: configuration.session)
        self.redis = try RedisClient(url: configuration.redisURL, timeout: configuration.redisTimeoutSeconds)
        self.registry = registry
        self.logger = logger
        self.cache = ViewCache()
        self.hub = LiveHub()
        self.views = ViewService(reader: ViewReader(pool: pool), cache: cache, model: configuration.model)
        self.now = now
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
        viewRoutes.register(on: router)
        return router
    }

    var viewRoutes: ViewRoutes { ViewRoutes(service: views, hub: hub, registry: registry, now: now) }

    /// The WebSocket router (`/v1/stream`): auth and the rate limit (as configured) before the upgrade.
    public func webSocketRouter() -> Router<GatewayWebSocketRequestContext> {
        let router = Router(context: GatewayWebSocketRequestContext.self)
        security.addWebSocketMiddlewares(to: router)
        viewRoutes.register(webSocket: router, logger: logger)
        return router
    }

    /// The application (a `Service`: run it under a `ServiceGroup` for graceful shutdown).
    public func application() -> some ApplicationProtocol & Service {
        Application(
            router: router(),
            server: .http1WebSocketUpgrade(webSocketRouter: webSocketRouter()),
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port),
                                                    serverName: "liqmap-gateway"),
            logger: logger
        )
    }

    /// The notice listener that keeps the cache and the live streams current: it LISTENs on the
    /// primary and, with a read replica, holds each notice until the replica has replayed its commit.
    public func listener() -> NoticeListener {
        NoticeListener(conninfo: configuration.postgresURL, settings: configuration.session, cache: cache, hub: hub, logger: logger,
                       replicaConninfo: configuration.postgresReadURL)
    }

    /// Everything the process runs: the listener, then the application.
    public func services() -> [any Service] { [listener(), application()] }
}
