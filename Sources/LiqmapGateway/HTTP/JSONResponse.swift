import Hummingbird

/// Builds responses from ready-made text bodies.
public enum JSONResponse {
    /// A response with `json` as an `application/json` body.
    public static func make(status: HTTPResponse.Status = .ok, json: String) -> Response {
        text(status: status, body: json, contentType: "application/json; charset=utf-8")
    }

    /// A response with `body` and the given content type.
    public static func text(status: HTTPResponse.Status = .ok, body: String, contentType: String) -> Response {
        Response(status: status, headers: [.contentType: contentType], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
