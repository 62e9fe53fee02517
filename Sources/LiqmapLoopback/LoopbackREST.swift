import NIOCore
import NIOHTTP1

/// Answers plain HTTP on a loopback exchange: GETs with the registered bodies (path and query, or
/// path alone), the registered error statuses, or 404; `POST /_loopback/fault/<kind>?n=N` injects a
/// fault (`drop`, `stall`, `duplicate`, `garbage`) and answers 204, or 400 for an unknown kind.
final class LoopbackREST: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let exchange: LoopbackExchange
    var uri = ""
    var method = HTTPMethod.GET

    init(exchange: LoopbackExchange) { self.exchange = exchange }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            uri = head.uri
            method = head.method
        case .body: break
        case .end:
            let path = String(uri.prefix { $0 != "?" })
            if path.hasPrefix("/_loopback/fault/") {
                let n = uri.split(separator: "n=").dropFirst().first.flatMap { Double($0.prefix { $0 != "&" }) }
                guard method == .POST, let fault = LoopbackFault(kind: String(path.dropFirst("/_loopback/fault/".count)), n: n) else {
                    return respond(context, .badRequest, #"{"error":"POST /_loopback/fault/drop|stall|duplicate|garbage|hostile[?n=N]"}"#)
                }
                exchange.inject(fault)
                return respond(context, .noContent, "")
            }
            if path == "/_loopback/status" {
                return respond(context, .ok, "{\"connections\":\(exchange.connections),\"live\":\(exchange.liveConnections),\"broadcasts\":\(exchange.broadcasts)}")
            }
            exchange.restRequested(path)
            if let error = exchange.script.restErrors[path] {
                var headers = HTTPHeaders()
                headers.add(name: "Retry-After", value: "\(error.retryAfter)")
                return respond(context, HTTPResponseStatus(statusCode: error.status), "{\"code\":\(error.status)}", headers)
            }
            guard let body = exchange.restBody(uri: uri) else { return respond(context, .notFound, #"{"code":404}"#) }
            respond(context, .ok, body)
        }
    }

    func respond(_ context: ChannelHandlerContext, _ status: HTTPResponseStatus, _ body: String, _ extra: HTTPHeaders = HTTPHeaders()) {
        var headers = extra
        let buffer = context.channel.allocator.buffer(string: body)
        headers.add(name: "Content-Length", value: "\(buffer.readableBytes)")
        headers.add(name: "Content-Type", value: "application/json")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
