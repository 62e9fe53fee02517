import Hummingbird

/// CORS for the configured origins (``CORSPolicy``): answers an allowed origin's preflight
/// (`OPTIONS` with `Access-Control-Request-Method`) itself with 204, before auth (a browser sends no
/// key on a preflight), and adds `Access-Control-Allow-Origin` to every answer to an allowed origin,
/// errors included. Requests from other origins pass through untouched: no CORS header, so the
/// browser keeps the answer from the page. Installed only when origins are configured.
public struct CORSMiddleware<Context: RequestContext>: RouterMiddleware {
    public let policy: CORSPolicy

    public init(policy: CORSPolicy) { self.policy = policy }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let origin = request.headers[.origin]
        guard let origin, policy.allows(origin) else {
            var response = try await next(request, context)
            response.headers[.vary] = "Origin"
            return response
        }
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            var headers = CORSPolicy.preflightHeaders(origin: origin)
            headers[.vary] = "Origin"
            return Response(status: .noContent, headers: headers)
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = ErrorMiddleware<Context>.response(for: error, request: request, context: context)
        }
        response.headers.append(contentsOf: CORSPolicy.responseHeaders(origin: origin))
        response.headers[.vary] = "Origin"
        return response
    }
}
