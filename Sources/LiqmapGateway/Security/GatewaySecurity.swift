import Hummingbird

/// The security middlewares of one gateway process and the state they share across requests: the
/// API key cache and the rate limiter's buckets (both in this process's memory).
public struct GatewaySecurity: Sendable {
    public let settings: SecuritySettings
    public let keys: ApiKeyCache
    public let limiter: RateLimiter

    /// - Parameters:
    ///   - store: where keys are looked up (the gateway's pool).
    ///   - clock: monotonic nanoseconds for the key cache and the buckets (tests pass their own).
    public init(settings: SecuritySettings, store: ApiKeyStore, clock: @escaping @Sendable () -> UInt64 = MonotonicClock.nanoseconds) {
        self.settings = settings
        self.keys = ApiKeyCache(ttl: settings.keyCacheSeconds, clock: clock) { try await store.grant(for: $0) }
        self.limiter = RateLimiter(clock: clock)
    }

    /// Adds, in this order and each only when configured: CORS (origins given), auth (`required`),
    /// the rate limit (not switched off). Add them after the error middleware and before the routes.
    public func addMiddlewares<Context: AuthenticatedRequestContext & RemoteAddressRequestContext>(to router: Router<Context>) {
        if !settings.cors.origins.isEmpty { router.add(middleware: CORSMiddleware(policy: settings.cors)) }
        if settings.auth == .required { router.add(middleware: AuthMiddleware(keys: keys)) }
        if let limit = settings.perClientLimit { router.add(middleware: RateLimitMiddleware(limiter: limiter, perClient: limit)) }
    }

    /// The WebSocket router's share: auth and the rate limit, each only when configured (CORS does
    /// not apply to WebSockets). A refused upgrade falls through to the HTTP router, whose own
    /// middlewares answer it (401 or 429 in the error shape).
    public func addWebSocketMiddlewares<Context: AuthenticatedRequestContext & RemoteAddressRequestContext>(to router: Router<Context>) {
        if settings.auth == .required { router.add(middleware: AuthMiddleware(keys: keys)) }
        if let limit = settings.perClientLimit { router.add(middleware: RateLimitMiddleware(limiter: limiter, perClient: limit)) }
    }
}
