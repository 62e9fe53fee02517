import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// An exchange on loopback: a WebSocket server (any path) that answers the venues' keepalives, and
/// plain HTTP GETs answered from registered REST bodies. Two ways to feed it:
///
/// * a **script** (tests): the frames play to whoever connects; the exchange drops each connection
///   after `framesPerConnection` frames (up to `disconnects` times), replays the last
///   `overlapOnReconnect` frames to the next connection (duplicates, as venues do) or skips
///   `lossOnReconnect` frames (what was sent during the outage);
/// * **live** (`liqmap simulate --serve`): `broadcast(_:)` sends a frame to every open connection
///   as the caller produces it, and `setREST(_:body:)` replaces REST bodies as the market moves.
///
/// Either way it misbehaves on command (`inject(_:)`, or `POST /_loopback/fault/<kind>?n=N` over
/// HTTP): drop every connection, stall, re-send recent frames, or send garbage.
public final class LoopbackExchange: Sendable {
    /// What a scripted exchange does; fixed before `start()`. An empty script with `live` set is a
    /// live exchange.
    public struct Script: Sendable {
        public var frames: [String]
        public var framesPerConnection: Int = .max
        public var disconnects = 0
        public var overlapOnReconnect = 0
        /// Frames skipped at each reconnect (sent while nobody was connected: lost to the client).
        public var lossOnReconnect = 0
        /// REST bodies by path (`/fapi/v1/openInterest`) or path and query (`…?symbol=BTCUSDT`,
        /// which wins when both match).
        public var restBodies: [String: String] = [:]
        /// Paths answered with an error status (429, 418…) and a `Retry-After` header instead of a body.
        public var restErrors: [String: (status: Int, retryAfter: Int)] = [:]
        /// Frames come from `broadcast(_:)`, not from `frames`.
        public var live = false
        public init(frames: [String]) { self.frames = frames }
        public static var live: Script {
            var script = Script(frames: [])
            script.live = true
            return script
        }
    }

    struct State {
        var position = 0
        var disconnectsLeft = 0
        var connections = 0
        var received: [String] = []
        var pingsAnswered = 0
        var restRequests: [(path: String, at: ContinuousClock.Instant)] = []
        var restBodies: [String: String] = [:]
        /// REST bodies computed when asked for (by path, or path and query).
        var restProviders: [String: @Sendable () -> String] = [:]
        /// Open live connections.
        var liveChannels: [ObjectIdentifier: any Channel] = [:]
        /// The last frames broadcast (for `duplicate`).
        var recent: [String] = []
        var stalledUntil: ContinuousClock.Instant?
        var broadcasts = 0
        var faults: [LoopbackFault] = []
        /// Frames every new live connection gets first (the venue's snapshots), by key.
        var greetings: [String: String] = [:]
    }

    let script: Script
    let state: NIOLockedValueBox<State>
    let channel: NIOLockedValueBox<(any Channel)?> = .init(nil)
    static let recentCapacity = 1_000

    public init(script: Script) {
        self.script = script
        state = .init(State(disconnectsLeft: script.disconnects, restBodies: script.restBodies))
    }

    /// Binds to `host` on `port` (0: a free one) and returns the port.
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws -> Int {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                let upgrader = NIOWebSocketServerUpgrader(
                    shouldUpgrade: { channel, _ in channel.eventLoop.makeSucceededFuture(HTTPHeaders()) },
                    upgradePipelineHandler: { channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(LoopbackPlayer(exchange: self))
                        }
                    })
                return channel.eventLoop.makeCompletedFuture {
                    let rest = LoopbackREST(exchange: self)
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withServerUpgrade: (upgraders: [upgrader], completionHandler: { context in
                            context.pipeline.removeHandler(name: "liqmap-rest", promise: nil)
                        }))
                    try channel.pipeline.syncOperations.addHandler(rest, name: "liqmap-rest")
                }
            }
        let bound = try await bootstrap.bind(host: host, port: port).get()
        channel.withLockedValue { $0 = bound }
        return bound.localAddress?.port ?? 0
    }

    /// The bound port (0 before `start`).
    public var port: Int { channel.withLockedValue { $0?.localAddress?.port ?? 0 } }

    public func stop() async {
        let c = channel.withLockedValue { $0 }
        try? await c?.close()
        for live in state.withLockedValue({ Array($0.liveChannels.values) }) { try? await live.close() }
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
    /// Live connections open now.
    public var liveConnections: Int { state.withLockedValue { $0.liveChannels.count } }
    /// Frames broadcast so far, and the faults injected, in order.
    public var broadcasts: Int { state.withLockedValue { $0.broadcasts } }
    public var faults: [LoopbackFault] { state.withLockedValue { $0.faults } }

    // MARK: Live

    /// Sends `frame` to every open connection (nothing while stalled: those frames are lost, as in
    /// a venue-side stall).
    public func broadcast(_ frame: String) {
        let targets: [any Channel] = state.withLockedValue { s in
            s.broadcasts += 1
            s.recent.append(frame)
            if s.recent.count > 2 * Self.recentCapacity { s.recent.removeFirst(s.recent.count - Self.recentCapacity) }
            if let until = s.stalledUntil {
                if ContinuousClock.now < until { return [] }
                s.stalledUntil = nil
            }
            return Array(s.liveChannels.values)
        }
        for channel in targets { Self.send(frame, on: channel) }
    }

    /// Sets the frame a new live connection receives first under `key` (latest wins; sent in key
    /// order): the snapshot a venue sends on subscribe (Bybit tickers).
    public func setGreeting(_ key: String, frame: String) {
        state.withLockedValue { $0.greetings[key] = frame }
    }

    /// Replaces the REST body for `path` (with or without a query).
    public func setREST(_ path: String, body: String) {
        state.withLockedValue { $0.restBodies[path] = body }
    }

    /// Answers `path` (with or without a query) with what `provider` returns at request time.
    public func setREST(_ path: String, provider: @escaping @Sendable () -> String) {
        state.withLockedValue { $0.restProviders[path] = provider }
    }

    /// Misbehaves now.
    public func inject(_ fault: LoopbackFault) {
        let (targets, resend): ([any Channel], [String]) = state.withLockedValue { s in
            s.faults.append(fault)
            switch fault {
            case .drop:
                let all = Array(s.liveChannels.values)
                s.liveChannels.removeAll()
                return (all, [])
            case .stall(let seconds):
                s.stalledUntil = .now + .milliseconds(Int(seconds * 1000))
                return ([], [])
            case .duplicate(let count):
                return (Array(s.liveChannels.values), Array(s.recent.suffix(count)))
            case .garbage(let count):
                return (Array(s.liveChannels.values), (0..<count).map { "\u{7f}loopback garbage \($0) {" })
            case .hostile:
                return (Array(s.liveChannels.values), [])
            }
        }
        if case .hostile(let count) = fault {
            let last = state.withLockedValue { $0.recent.last } ?? #"{"loopback":1}"#
            for channel in targets {
                for round in 0..<count { for frame in LoopbackFault.hostileFrames(after: last, round: round) { Self.send(bytes: frame, on: channel) } }
            }
            return
        }
        if case .drop = fault {
            for channel in targets { channel.close(mode: .all, promise: nil) }  // no close frame: a network drop
            return
        }
        for channel in targets { for frame in resend { Self.send(frame, on: channel) } }
    }

    /// Sends `bytes` as one text frame, whether or not they are UTF-8.
    static func send(bytes: [UInt8], on channel: any Channel) {
        let buffer = channel.allocator.buffer(bytes: bytes)
        channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, data: buffer), promise: nil)
    }

    static func send(_ frame: String, on channel: any Channel) {
        let buffer = channel.allocator.buffer(string: frame)
        channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, data: buffer), promise: nil)
    }

    // MARK: Bookkeeping for the handlers

    func restRequested(_ path: String) { state.withLockedValue { $0.restRequests.append((path, .now)) } }

    /// The REST body for a request URI: path and query first, then the path alone.
    func restBody(uri: String) -> String? {
        let path = String(uri.prefix { $0 != "?" })
        let (body, provider) = state.withLockedValue { s in
            (s.restBodies[uri] ?? (s.restProviders[uri] == nil ? s.restBodies[path] : nil), s.restProviders[uri] ?? s.restProviders[path])
        }
        return body ?? provider?()
    }

    /// Called when a connection opens: where it starts and how many frames it may send.
    func connectionOpened() -> (start: Int, budget: Int) {
        state.withLockedValue { s in
            s.connections += 1
            let start = s.connections == 1 ? 0 : min(script.frames.count, max(0, s.position - script.overlapOnReconnect) + script.lossOnReconnect)
            let budget = s.disconnectsLeft > 0 ? script.framesPerConnection : .max
            return (start, budget)
        }
    }

    /// Registers a live connection and sends it the greetings.
    func liveOpened(_ channel: any Channel) {
        let greetings = state.withLockedValue { s in
            s.liveChannels[ObjectIdentifier(channel)] = channel
            return s.greetings.sorted { $0.key < $1.key }.map(\.value)
        }
        for frame in greetings { Self.send(frame, on: channel) }
    }
    func liveClosed(_ channel: any Channel) { _ = state.withLockedValue { $0.liveChannels.removeValue(forKey: ObjectIdentifier(channel)) } }
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
