import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// A small exchange on loopback for collector tests: a WebSocket server that plays a list of frames
/// to whoever connects (any path), answers the venues' keepalives, and misbehaves on command:
/// drops each connection after `framesPerConnection` frames (up to `disconnects` times), replays the
/// last `overlapOnReconnect` frames to the next connection (duplicates, as venues do) or skips
/// `lossOnReconnect` frames (what was sent during the outage), and mixes in garbage. Plain HTTP GETs get the body registered for their path (instrument metadata, REST polls).
public final class LoopbackExchange: Sendable {
    /// What the exchange does; fixed before `start()`.
    public struct Script: Sendable {
        public var frames: [String]
        public var framesPerConnection: Int = .max
        public var disconnects = 0
        public var overlapOnReconnect = 0
        /// Frames skipped at each reconnect (sent while nobody was connected: lost to the client).
        public var lossOnReconnect = 0
        public var restBodies: [String: String] = [:]
        /// Paths answered with an error status (429, 418…) and a `Retry-After` header instead of a body.
        public var restErrors: [String: (status: Int, retryAfter: Int)] = [:]
        public init(frames: [String]) { self.frames = frames }
    }

    struct State {
        var position = 0
        var disconnectsLeft = 0
        var connections = 0
        var received: [String] = []
        var pingsAnswered = 0
        var restRequests: [(path: String, at: ContinuousClock.Instant)] = []
    }

    let script: Script
    let state: NIOLockedValueBox<State>
    let channel: NIOLockedValueBox<(any Channel)?> = .init(nil)

    public init(script: Script) {
        self.script = script
        state = .init(State(disconnectsLeft: script.disconnects))
    }

    /// Binds to 127.0.0.1 on a free port and returns it.
    public func start() async throws -> Int {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                let upgrader = NIOWebSocketServerUpgrader(
                    shouldUpgrade: { channel, _ in channel.eventLoop.makeSucceededFuture(HTTPHeaders()) },
                    upgradePipelineHandler: { channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(WebSocketPlayer(exchange: self))
                        }
                    })
                return channel.eventLoop.makeCompletedFuture {
                    let rest = RestResponder(exchange: self)
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withServerUpgrade: (upgraders: [upgrader], completionHandler: { context in
                            context.pipeline.removeHandler(name: "liqmap-rest", promise: nil)
                        }))
                    try channel.pipeline.syncOperations.addHandler(rest, name: "liqmap-rest")
                }
            }
        let bound = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        channel.withLockedValue { $0 = bound }
        return bound.localAddress?.port ?? 0
    }

    public func stop() async {
        let c = channel.withLockedValue { $0 }
        try? await c?.close()
    }

    /// Connections accepted so far.
    public var connections: Int { state.withLockedValue { $0.connections } }
    /// Text frames the clients sent (subscriptions, pings).
    public var received: [String] { state.withLockedValue { $0.received } }
    /// Frames played so far (the position in the script).
    public var position: Int { state.withLockedValue { $0.position } }
    public var pingsAnswered: Int { state.withLockedValue { $0.pingsAnswered } }
    /// REST requests so far: path and arrival time.
    public var restRequests: [(path: String, at: ContinuousClock.Instant)] { state.withLockedValue { $0.restRequests } }
    func restRequested(_ path: String) { state.withLockedValue { $0.restRequests.append((path, .now)) } }

    /// Called when a connection opens: where it starts and how many frames it may send.
    func connectionOpened() -> (start: Int, budget: Int) {
        state.withLockedValue { s in
            s.connections += 1
            let start = s.connections == 1 ? 0 : min(script.frames.count, max(0, s.position - script.overlapOnReconnect) + script.lossOnReconnect)
            let budget = s.disconnectsLeft > 0 ? script.framesPerConnection : .max
            return (start, budget)
        }
    }

    func advanced(to index: Int) { state.withLockedValue { $0.position = max($0.position, index) } }
    func dropped() { state.withLockedValue { $0.disconnectsLeft -= 1 } }
    func received(_ text: String) { state.withLockedValue { $0.received.append(text) } }
    func answeredPing() { state.withLockedValue { $0.pingsAnswered += 1 } }

    /// The venues' text keepalives and their answers.
    static func pong(for text: String) -> String? {
        if text == "ping" { return "pong" }
        if text.contains(#""op":"ping""#) { return #"{"success":true,"ret_msg":"pong","conn_id":"loopback","req_id":"","op":"ping"}"# }
        if text.contains(#""method":"ping""#) { return #"{"channel":"pong"}"# }
        return nil
    }
}

/// Plays the script on one WebSocket connection.
final class WebSocketPlayer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame
    let exchange: LoopbackExchange
    var next = 0
    var sent = 0
    var budget = Int.max
    var closed = false

    init(exchange: LoopbackExchange) { self.exchange = exchange }

    func handlerAdded(context: ChannelHandlerContext) {
        (next, budget) = exchange.connectionOpened()
        play(context: context)
    }

    /// Writes frames in slices of 200 so the event loop stays responsive; drops the connection,
    /// without a close frame, when the budget is spent.
    func play(context: ChannelHandlerContext) {
        guard !closed else { return }
        let frames = exchange.script.frames
        var n = 0
        while next < frames.count && n < 200 {
            if sent >= budget {
                closed = true
                exchange.dropped()
                context.close(promise: nil)
                return
            }
            var buffer = context.channel.allocator.buffer(capacity: frames[next].utf8.count)
            buffer.writeString(frames[next])
            context.write(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, data: buffer)), promise: nil)
            next += 1
            sent += 1
            n += 1
        }
        context.flush()
        exchange.advanced(to: next)
        if next < frames.count {
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.eventLoop.execute {
                let (handler, context) = loopBound.value
                handler.play(context: context)
            }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            var data = frame.unmaskedData
            let text = data.readString(length: data.readableBytes) ?? ""
            exchange.received(text)
            if let pong = LoopbackExchange.pong(for: text) {
                exchange.answeredPing()
                var buffer = context.channel.allocator.buffer(capacity: pong.utf8.count)
                buffer.writeString(pong)
                context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, data: buffer)), promise: nil)
            }
        case .ping:
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
        case .connectionClose:
            closed = true
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: frame.unmaskedData)))
                .whenComplete { _ in channel.close(promise: nil) }
        default:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) { closed = true }
}

/// Answers plain HTTP GETs with the registered bodies (by path, without the query), the registered
/// error statuses, or 404.
final class RestResponder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let exchange: LoopbackExchange
    var path = ""

    init(exchange: LoopbackExchange) { self.exchange = exchange }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): path = String(head.uri.prefix { $0 != "?" })
        case .body: break
        case .end:
            exchange.restRequested(path)
            let body = exchange.script.restBodies[path]
            var status: HTTPResponseStatus = body == nil ? .notFound : .ok
            var headers = HTTPHeaders()
            if let error = exchange.script.restErrors[path] {
                status = HTTPResponseStatus(statusCode: error.status)
                headers.add(name: "Retry-After", value: "\(error.retryAfter)")
            }
            var buffer = context.channel.allocator.buffer(capacity: body?.utf8.count ?? 9)
            buffer.writeString(status == .ok ? body ?? "" : "{\"code\":\(status.code)}")
            headers.add(name: "Content-Length", value: "\(buffer.readableBytes)")
            headers.add(name: "Content-Type", value: "application/json")
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
