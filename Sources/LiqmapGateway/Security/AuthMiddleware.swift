import Hummingbird
import Logging

/// Requires an API key on `/v1/*` (``ApiKeyCredential`` says where it may be); every other route
/// (`/healthz`, `/readyz`, `/metrics`, `/openapi.json`, `GET /`) stays open. A missing, malformed,
/// unknown or revoked key is a 401 in the error shape; an accepted key is put on the context for the
/// rate limiter. Keys are looked up by their SHA-256 through ``ApiKeyCache``.
public struct AuthMiddleware<Context: AuthenticatedRequestContext>: RouterMiddleware {
    public let keys: ApiKeyCache

    public init(keys: ApiKeyCache) { self.keys = keys }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard Self.isGuarded(route: context.endpointPath, path: request.uri.path) else { return try await next(request, context) }
        let presented = ApiKeyCredential.presented(apiKeyHeader: request.headers[ApiKeyCredential.apiKeyHeader],
                                                   authorization: request.headers[.authorization]) {
            request.uri.queryParameters["api_key"].map(String.init)
        }
        guard let presented else {
            return APIError.unauthorized("an API key is required: send X-API-Key: KEY, Authorization: Bearer KEY or ?api_key=KEY").response
        }
        guard let token = ApiKeyToken(presented) else {
            return APIError.unauthorized("the API key is not valid (a key is lqk_ and 64 hex digits)").response
        }
        let grant: ApiKeyGrant?
        do {
            grant = try await keys.grant(for: token.sha256)
        } catch {
            context.logger.error("API key lookup failed", metadata: ["key": "\(token)", "error": "\(error)"])
            return APIError.unavailable("the API key could not be checked (database unavailable); try again").response
        }
        guard let grant else { return APIError.unauthorized("the API key is not valid (unknown or revoked)").response }
        var context = context
        context.apiKey = grant
        return try await next(request, context)
    }

    /// Whether a request needs a key: its matched route pattern (or, for no route, its path) is under `/v1`.
    /// The pattern decides when there is one, so a path the router normalizes (`//v1/…`) cannot slip by.
    public static func isGuarded(route: String?, path: @autoclosure () -> String) -> Bool {
        let route = route ?? path()
        return route == "/v1" || route.hasPrefix("/v1/")
    }
}
