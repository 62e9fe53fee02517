import Foundation
import LiqmapCore
import NIOConcurrencyHelpers
import LiqmapExchanges
import LiqmapLoopback
import LiqmapSimulator

/// The simulated market served live on loopback (`liqmap simulate --serve`): one `LoopbackExchange`
/// per feed on consecutive ports, each frame broadcast at its receive time (scaled by `speed`), the
/// venues' REST bodies (instrument lists, Binance open-interest polls) kept current, and Bybit's
/// ticker snapshot merged from the deltas so a collector that connects late starts from a snapshot,
/// as on the venue. Faults on command: `POST http://HOST:PORT/_loopback/fault/<drop|stall|duplicate|garbage>?n=N`.
public struct SimulationServer: Sendable {
    public let config: SimulationConfig
    public let host: String
    public let portBase: Int
    /// Simulated milliseconds per wall millisecond (1: real time); `.infinity`: as fast as possible.
    public let speed: Double
    /// Wait (up to this many seconds) for a connection on every feed before the clock starts.
    public let waitForCollectors: Double
    /// Seconds the exchanges stay up after the last frame (so clients read what was sent).
    public let linger: Double

    public init(config: SimulationConfig, host: String = "127.0.0.1", portBase: Int, speed: Double, waitForCollectors: Double = 0,
                linger: Double = 1) {
        self.linger = linger
        self.config = config
        self.host = host
        self.portBase = portBase
        self.speed = speed
        self.waitForCollectors = waitForCollectors
    }

    /// Where each feed is served.
    public func endpoints() -> [(feed: Feed, ws: String, rest: String)] {
        config.feeds.enumerated().map { i, feed in (feed, "ws://\(host):\(portBase + i)", "http://\(host):\(portBase + i)") }
    }

    /// Starts the exchanges, then plays the market until it ends or the task is cancelled. `ready`
    /// is called once every exchange listens.
    @discardableResult
    public func run(ready: @Sendable ([(feed: Feed, ws: String, rest: String)]) -> Void = { _ in }) async throws -> Report {
        var simulator = Simulator(config: config)
        var exchanges: [LoopbackExchange] = []
        for (i, _) in config.feeds.enumerated() {
            let exchange = LoopbackExchange(script: .live)
            _ = try await exchange.start(host: host, port: portBase + i)
            exchanges.append(exchange)
        }
        defer { for exchange in exchanges { Task { await exchange.stop() } } }
        for (feed, body) in simulator.instrumentBodies() {
            guard let body, let i = config.feeds.firstIndex(of: feed) else { continue }
            for url in FeedConnections.spec(feed).instrumentURLs(rest: "http://\(host):\(portBase + i)") {
                exchanges[i].setREST(String(FeedConnections.pathAndQuery(of: url).prefix { $0 != "?" }), body: body)
            }
        }
        ready(endpoints())
        if waitForCollectors > 0 {
            let deadline = ContinuousClock.now + .milliseconds(Int(waitForCollectors * 1000))
            while ContinuousClock.now < deadline, exchanges.contains(where: { $0.liveConnections == 0 }) {
                try? await Task.sleep(for: .milliseconds(20))
                if Task.isCancelled { break }
            }
        }
        let connectedAtStart = exchanges.allSatisfy { $0.liveConnections > 0 }
        var routers = config.feeds.map { FrameRouter(feed: $0) }
        var served = Array(repeating: 0, count: config.feeds.count)
        let wallStart = ContinuousClock.now
        while let frame = simulator.next() {
            if Task.isCancelled { break }
            if speed.isFinite {
                let due = wallStart + .microseconds(Int64(Double(frame.recvTs - config.startMs) * 1000 / speed))
                if due - ContinuousClock.now > .milliseconds(2) { try? await Task.sleep(until: due, clock: .continuous) }
                if Task.isCancelled { break }
            }
            guard let i = config.feeds.firstIndex(of: frame.feed) else { continue }
            routers[i].route(frame.text, to: exchanges[i])
            served[i] += 1
        }
        try? await Task.sleep(for: .milliseconds(Int(linger * 1000)))
        return Report(served: served, connectedAtStart: connectedAtStart)
    }

    /// What a run did: frames served per feed, and whether every feed had a client when the clock started.
    public struct Report: Sendable {
        public let served: [Int]
        public let connectedAtStart: Bool
    }
}

/// Sends one feed's frames where a venue would: REST-shaped bodies become the answer to the venue's
/// poll, everything else is broadcast; Bybit ticker deltas also update the snapshot a new
/// connection is greeted with.
struct FrameRouter {
    let feed: Feed
    /// Merged Bybit ticker fields per topic.
    var tickers: [String: [(key: String, value: JSON)]] = [:]
    /// Bybit: the latest trades per symbol, answered at `/v5/market/recent-trade` (the collector's
    /// recovery read after a reconnect).
    let recentTrades = RecentTrades()
    var recoveryRegistered: Set<String> = []

    mutating func route(_ text: String, to exchange: LoopbackExchange) {
        switch feed {
        case .binanceUSDM, .binanceCOINM:
            // `GET /fapi|dapi/v1/openInterest?symbol=S` bodies start with the symbol; frames with "stream"/"e".
            if text.hasPrefix(#"{"symbol":""#), let end = text.dropFirst(11).firstIndex(of: "\"") {
                let symbol = text[text.index(text.startIndex, offsetBy: 11)..<end]
                exchange.setREST("\(feed == .binanceUSDM ? "/fapi" : "/dapi")/v1/openInterest?symbol=\(symbol)", body: text)
                return
            }
        case .bybitLinear, .bybitInverse:
            if text.contains(#""topic":"tickers."#) { greet(text, exchange) }
            if text.contains(#""topic":"publicTrade."#) { remember(text, exchange) }
        default:
            break
        }
        exchange.broadcast(text)
    }

    /// Keeps a publicTrade frame's trades as `recent-trade` rows (newest first, at most 1,000 a symbol).
    mutating func remember(_ text: String, _ exchange: LoopbackExchange) {
        guard let json = try? JSON.parse(text), let items = json["data"]?.array else { return }
        for item in items {
            guard let symbol = item["s"]?.string, let id = item["i"]?.text, let price = item["p"]?.text, let size = item["v"]?.text,
                  let side = item["S"]?.string, let time = item["T"]?.text else { continue }
            let row = JSON.object([("execId", .string(id)), ("symbol", .string(symbol)), ("price", .string(price)), ("size", .string(size)),
                                   ("side", .string(side)), ("time", .string(time)), ("isBlockTrade", .bool(false))]).serialized()
            recentTrades.add(row, symbol: symbol)
            if recoveryRegistered.insert(symbol).inserted {
                let category = feed == .bybitLinear ? "linear" : "inverse"
                for (_, url) in FeedConnections.spec(feed).recoveryURLs(symbols: [symbol], rest: "http://loopback") {
                    let uri = FeedConnections.pathAndQuery(of: url)
                    let trades = recentTrades
                    exchange.setREST(uri) {
                        #"{"retCode":0,"retMsg":"OK","result":{"category":"\#(category)","list":["# + trades.rows(symbol).joined(separator: ",")
                            + #"]},"retExtInfo":{},"time":\#(Int64(Date().timeIntervalSince1970 * 1000))}"#
                    }
                }
            }
        }
    }

    /// Keeps the merged ticker of a `tickers.` frame and registers it as the greeting snapshot.
    mutating func greet(_ text: String, _ exchange: LoopbackExchange) {
        guard let json = try? JSON.parse(text), let topic = json["topic"]?.string, case .object(let fields)? = json["data"] else { return }
        var merged = json["type"]?.string == "snapshot" ? [] : tickers[topic] ?? []
        for field in fields {
            if let i = merged.firstIndex(where: { $0.key == field.key }) { merged[i].value = field.value } else { merged.append(field) }
        }
        tickers[topic] = merged
        var snapshot: [(key: String, value: JSON)] = []
        if case .object(let pairs) = json {
            for pair in pairs {
                switch pair.key {
                case "type": snapshot.append((pair.key, .string("snapshot")))
                case "data": snapshot.append((pair.key, .object(merged)))
                default: snapshot.append(pair)
                }
            }
        }
        exchange.setGreeting(topic, frame: JSON.object(snapshot).serialized())
    }
}

/// The latest trades per symbol as REST rows, newest first (shared with the REST side's thread).
final class RecentTrades: Sendable {
    private let rows = NIOLockedValueBox<[String: [String]]>([:])
    static let capacity = 1_000

    func add(_ row: String, symbol: String) {
        rows.withLockedValue { all in
            all[symbol, default: []].append(row)
            if all[symbol]!.count > 2 * Self.capacity { all[symbol]!.removeFirst(all[symbol]!.count - Self.capacity) }
        }
    }

    func rows(_ symbol: String) -> [String] {
        rows.withLockedValue { Array(($0[symbol] ?? []).suffix(Self.capacity).reversed()) }
    }
}
