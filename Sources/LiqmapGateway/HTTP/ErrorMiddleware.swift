import Hummingbird
import Logging

/// Turns every error into the contract's JSON error shape: ``APIError`` as it is, Hummingbird's
/// HTTP errors (404 for an unknown route, 405, …) with their status, and anything else as 503, so
/// nothing a client sends produces a 500.
public struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return Self.response(for: error, request: request, context: context)
        }
    }

    /// The answer for an error thrown while serving `request` (also used by ``CORSMiddleware``, so
    /// error answers carry its headers too).
    public static func response(for error: any Error, request: Request, context: Context) -> Response {
        switch error {
        case let error as APIError:
            return error.response
        case let error as any HTTPResponseError:
            // A known route asked with another method: 405 with `Allow`, not 404.
            if error.status.code == 404, request.method != .get, QueryCheck.isRoute(request.uri.path) {
                var response = APIError.framework(statusCode: 405, method: request.method.rawValue, path: request.uri.path).response
                response.headers[.allow] = "GET"
                return response
            }
            return APIError.framework(statusCode: error.status.code, method: request.method.rawValue, path: request.uri.path).response
        default:
            context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return APIError.unavailable("the request could not be served; try again").response
        }
    }
}
