import Hummingbird

/// An answer in the contract's error shape, `{"error":{"code","message"}}`, with its HTTP status.
public struct APIError: Error, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    /// Headers the answer carries besides its content type (`Retry-After`, `WWW-Authenticate`).
    public var headers: HTTPFields

    public init(status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    /// 400: a parameter the client sent (or left out) is wrong; `message` names it.
    public static func badRequest(_ message: String) -> APIError {
        APIError(status: .badRequest, code: "bad_request", message: message)
    }

    /// 401: `/v1` needs an API key and the request had none, or one that is unknown or revoked.
    public static func unauthorized(_ message: String) -> APIError {
        APIError(status: .unauthorized, code: "unauthorized", message: message,
                 headers: [.wwwAuthenticate: #"Bearer realm="liqmap""#])
    }

    /// 429: past the rate limit; `Retry-After` says when a request will be allowed again.
    public static func rateLimited(retryAfter seconds: Int, _ message: String) -> APIError {
        APIError(status: .tooManyRequests, code: "rate_limited", message: message, headers: [.retryAfter: "\(seconds)"])
    }

    /// 404: no such route.
    public static func notFound(_ message: String) -> APIError {
        APIError(status: .notFound, code: "not_found", message: message)
    }

    /// 503: a dependency (PostgreSQL, Redis) failed; never blamed on the client.
    public static func unavailable(_ message: String) -> APIError {
        APIError(status: .serviceUnavailable, code: "unavailable", message: message)
    }

    /// The error for a framework error of HTTP status `statusCode` (404 unknown route, 405, …); 5xx becomes 503.
    public static func framework(statusCode: Int, method: String, path: String) -> APIError {
        switch statusCode {
        case 404: .notFound("no route \(method) \(path)")
        case 405: APIError(status: .methodNotAllowed, code: "method_not_allowed", message: "\(method) is not allowed on \(path)")
        case 400..<500:
            APIError(status: HTTPResponse.Status(code: statusCode), code: "bad_request",
                     message: "the request was refused (HTTP \(statusCode))")
        default: .unavailable("the request could not be served; try again")
        }
    }

    /// The HTTP status code.
    public var statusCode: Int { status.code }

    /// The JSON body: `{"error":{"code":"…","message":"…"}}`.
    public var json: String {
        "{\"error\":{\"code\":\(JSONText.string(code)),\"message\":\(JSONText.string(message))}}"
    }

    /// The response carrying ``json``.
    public var response: Response {
        var response = JSONResponse.make(status: status, json: json)
        response.headers.append(contentsOf: headers)
        return response
    }
}
