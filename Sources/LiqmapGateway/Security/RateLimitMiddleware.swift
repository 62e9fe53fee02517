import Hummingbird

/// Rate-limits `/v1/*`: by the accepted API key's own limit when the auth middleware set one, else
/// by the client's address at `perClient`. Past the limit: 429 `rate_limited` with `Retry-After`.
/// The operational routes (`/healthz`, `/readyz`, `/metrics`, `/openapi.json`, `GET /`) are not limited.
public struct RateLimitMiddleware<Context: AuthenticatedRequestContext & RemoteAddressRequestContext>: RouterMiddleware {
    public let limiter: RateLimiter
    /// The limit of a client without an API key (auth off).
    public let perClient: RateLimit

    public init(limiter: RateLimiter, perClient: RateLimit) {
        self.limiter = limiter
        self.perClient = perClient
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard AuthMiddleware<Context>.isGuarded(route: context.endpointPath, path: request.uri.path) else {
            return try await next(request, context)
        }
        let decision = if let key = context.apiKey {
            limiter.take(.key(key.id), limit: key.limit)
        } else {
            limiter.take(RateLimiter.Client(address: context.remoteAddress), limit: perClient)
        }
        switch decision {
        case .allowed:
            return try await next(request, context)
        case .limited(let retryAfter):
            let who = context.apiKey == nil ? "this client address" : "this API key"
            return APIError.rateLimited(retryAfter: retryAfter, "too many requests for \(who); retry after \(retryAfter) s").response
        }
    }
}
