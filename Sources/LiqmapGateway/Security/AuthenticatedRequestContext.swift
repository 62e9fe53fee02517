import Hummingbird

/// A context that carries the API key a request was accepted with (set by ``AuthMiddleware``).
public protocol AuthenticatedRequestContext: RequestContext {
    var apiKey: ApiKeyGrant? { get set }
}
