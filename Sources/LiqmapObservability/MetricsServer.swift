import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import ServiceLifecycle

/// A small HTTP server for one process's operational endpoints: `GET /metrics` (Prometheus text
/// format) and `GET /healthz` (200 while the process runs). Collectors and aggregators run one on
/// a port of their own; the gateway serves the same routes itself.
public struct MetricsServer: Service {
    public let host: String
    public let port: Int
    public let registry: PrometheusCollectorRegistry
    public let logger: Logger

    public init(host: String = "127.0.0.1", port: Int, registry: PrometheusCollectorRegistry, logger: Logger) {
        self.host = host
        self.port = port
        self.registry = registry
        self.logger = logger
    }

    /// Binds, serves until graceful shutdown, closes. Returns the bound port through `onBound`.
    public func run() async throws {
        let channel = try await bind()
        logger.info("metrics endpoint up", metadata: ["address": "http://\(host):\(channel.localAddress?.port ?? port)/metrics"])
        try? await gracefulShutdown()
        try await channel.close()
    }

    /// Binds the listening socket (port 0 picks a free one) and returns the channel.
    public func bind() async throws -> any Channel {
        let registry = self.registry
        return try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(MetricsHandler(registry: registry))
                }
            }
            .bind(host: host, port: port).get()
    }
}

/// Answers `/metrics` and `/healthz`.
final class MetricsHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let registry: PrometheusCollectorRegistry
    var path = ""

    init(registry: PrometheusCollectorRegistry) { self.registry = registry }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): path = String(head.uri.prefix { $0 != "?" })
        case .body: break
        case .end:
            let (status, type, body): (HTTPResponseStatus, String, [UInt8]) = switch path {
            case "/metrics": (.ok, "text/plain; version=0.0.4", registry.emitToBuffer())
            case "/healthz": (.ok, "text/plain", Array("ok\n".utf8))
            default: (.notFound, "text/plain", Array("not found\n".utf8))
            }
            var buffer = context.channel.allocator.buffer(capacity: body.count)
            buffer.writeBytes(body)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: type)
            headers.add(name: "Content-Length", value: "\(body.count)")
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
