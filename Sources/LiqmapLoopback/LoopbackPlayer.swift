import NIOCore
import NIOWebSocket

/// One WebSocket connection of a loopback exchange: plays the script, or (live) registers for
/// broadcasts; answers pings and the venues' text keepalives.
final class LoopbackPlayer: ChannelInboundHandler, RemovableChannelHandler {
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
        if exchange.script.live {
            exchange.liveOpened(context.channel)
        } else {
            play(context: context)
        }
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

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        exchange.liveClosed(context.channel)
    }
}
