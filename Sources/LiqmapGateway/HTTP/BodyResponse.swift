import Hummingbird

/// Answers with a cached ``ViewCache/Body``: `304` when `If-None-Match` names its ETag, the gzip
/// form when the client accepts it, `ETag` and `Cache-Control: no-cache` (revalidate every time) always.
enum BodyResponse {
    static func make(_ body: ViewCache.Body, request: Request) -> Response {
        var headers: HTTPFields = [.eTag: body.etag, .cacheControl: "no-cache", .vary: "Accept-Encoding"]
        if ETag.matches(request.headers[.ifNoneMatch], body.etag) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = body.contentType
        if let gzip = body.gzip, accepts(request.headers[.acceptEncoding], "gzip") {
            headers[.contentEncoding] = "gzip"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: gzip)))
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body.bytes)))
    }

    /// Whether an `Accept-Encoding` value accepts `coding` (a `q=0` refuses it).
    static func accepts(_ header: String?, _ coding: String) -> Bool {
        guard let header else { return false }
        return header.split(separator: ",").contains { item in
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: " \t") }
            guard let name = parts.first, name == coding || name == "*" else { return false }
            return !parts.dropFirst().contains { $0 == "q=0.0" || $0 == "q=0.00" || $0 == "q=0.000" }
        }
    }
}
