import AsyncHTTPClient
import Foundation
import Logging
import LiqmapCore
import LiqmapExchanges
import NIOCore
import NIOHTTP1
import NIOSSL
import ServiceLifecycle
import WSClient

/// A live collector: one or more WebSocket connections per the feed's ``FeedConnectionSpec``, REST
/// polls, periodic batch flushes and stream trimming, until cancelled (SIGTERM/SIGINT).
///
/// Each connection reconnects with capped full-jitter ``Backoff``; a connection near the venue's
/// lifetime limit (Binance: 24 h) gets its successor opened first and closes only after an overlap,
/// so the rollover has no gap (duplicates from the overlap are dropped by ``RecentKeys``).
public struct LiveCollector: Sendable {
    public let spec: any FeedConnectionSpec
    public let symbols: [String]
    /// Host overrides (`ws://127.0.0.1:9000`, `http://127.0.0.1:9000`) for the loopback exchange and the simulator.
    public let wsBase: String?
    public let restBase: String?
    public let core: CollectorCore
    public let publisher: EventPublisher
    public let logger: Logger
    public var flushInterval: Int64 = 5
    public var rolloverOverlap: Double = 30
    /// Overrides the venue's connection lifetime (tests).
    public var lifetimeOverride: Double?
    public var backoff = Backoff()
    public var trim: (shards: Int, maxLength: Int)?

    public init(spec: any FeedConnectionSpec, symbols: [String], wsBase: String?, restBase: String?, core: CollectorCore,
                publisher: EventPublisher, logger: Logger)
    {
        self.spec = spec
        self.symbols = symbols
        self.wsBase = wsBase
        self.restBase = restBase
        self.core = core
        self.publisher = publisher
        self.logger = logger
    }

    /// The connections, polls and housekeeping, until cancelled.
    public func runUntilCancelled() async throws {
        let plans = spec.plans(symbols: symbols, ws: wsBase)
        await core.plannedConnections(plans.count)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for plan in plans {
                group.addTask { await self.supervise(plan) }
            }
            for poll in spec.restPolls(symbols: symbols, rest: restBase) {
                group.addTask { try await self.poll(poll) }
            }
            group.addTask { try await self.housekeeping() }
            try await group.next()
            group.cancelAll()
        }
    }

    /// Flushes due batches every few milliseconds, drains the spool, trims the streams.
    func housekeeping() async throws {
        var lastTrim = ContinuousClock.now
        while !Task.isCancelled {
            try await Task.sleep(for: .milliseconds(flushInterval))
            try await publisher.flush(now: Self.now(), interval: flushInterval)
            if await publisher.spoolDepth > 0 { await publisher.drainSpool() }
            if let trim, ContinuousClock.now - lastTrim > .seconds(30) {
                lastTrim = ContinuousClock.now
                // The publisher's shard count, not the configured one: it follows a reshard.
                _ = try? await publisher.trimStreams(shards: max(trim.shards, await publisher.shardCount), maxLength: trim.maxLength)
            }
        }
        try await publisher.flush(now: Self.now())
    }

    enum Signal: Sendable {
        case rolloverDue
        case ended(lived: Double, rolledOver: Bool)
    }

    /// Keeps one planned connection up: reconnects after failures, rolls over before the lifetime limit.
    func supervise(_ plan: ConnectionPlan) async {
        let (signals, continuation) = AsyncStream.makeStream(of: Signal.self)
        var backoff = self.backoff
        var random = SystemRandomNumberGenerator()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.connection(plan, signals: continuation) }
            var live = 1
            for await signal in signals {
                if Task.isCancelled { break }
                switch signal {
                case .rolloverDue:
                    logger.info("connection lifetime reached: opening its successor first", metadata: ["url": "\(plan.url)"])
                    live += 1
                    group.addTask { await self.connection(plan, signals: continuation) }
                case .ended(let lived, let rolledOver):
                    live -= 1
                    if rolledOver && live > 0 { continue }
                    await core.noteReconnect()
                    let delay = backoff.next(connectionLived: lived, using: &random)
                    logger.warning("connection ended: reconnecting", metadata: ["url": "\(plan.url)", "delay.s": "\(delay)"])
                    try? await Task.sleep(for: .milliseconds(Int(delay * 1000)))
                    if Task.isCancelled { break }
                    live += 1
                    group.addTask { await self.connection(plan, reconnect: true, signals: continuation) }
                }
            }
            group.cancelAll()
        }
    }

    struct RolledOver: Error {}

    /// One connection, from connect to close; reports its end (and its rollover point) on `signals`.
    func connection(_ plan: ConnectionPlan, reconnect: Bool = false, signals: AsyncStream<Signal>.Continuation) async {
        let started = ContinuousClock.now
        var rolledOver = false
        do {
            let tls: TLSConfiguration? = plan.url.hasPrefix("wss://") ? TLSConfiguration.makeClientConfiguration() : nil
            let spec = self.spec, core = self.core, logger = self.logger
            let lifetime = lifetimeOverride ?? spec.maxConnectionLifetime
            let restBase = self.restBase, symbols = self.symbols
            let overlap = rolloverOverlap
            try await WebSocketClient.connect(url: plan.url, configuration: .init(maxFrameSize: 1 << 24), tlsConfiguration: tls,
                                              logger: logger) { inbound, outbound, _ in
                await core.noteConnection(up: true)
                defer { Task { await core.noteConnection(up: false) } }
                for message in plan.subscribe { try await outbound.write(.text(message)) }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    if case .send(let message, let seconds) = spec.keepalive {
                        group.addTask {
                            while true {
                                try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                                try await outbound.write(.text(message))
                            }
                        }
                    }
                    if let lifetime {
                        group.addTask {
                            try await Task.sleep(for: .milliseconds(Int(lifetime * 1000)))
                            signals.yield(.rolloverDue)
                            try await Task.sleep(for: .milliseconds(Int(overlap * 1000)))
                            throw RolledOver()
                        }
                    }
                    group.addTask {
                        var recovered = !reconnect
                        for try await message in inbound.messages(maxSize: 1 << 24) {
                            let text: String
                            switch message {
                            case .text(let s): text = s
                            case .binary(let buffer): text = String(buffer: buffer)
                            }
                            if spec.isKeepaliveAnswer(text) { continue }
                            if !recovered {
                                // The first answer after a reconnect: the stream is live again, so
                                // the latest REST trades cover the outage.
                                recovered = true
                                for (symbol, url) in spec.recoveryURLs(symbols: symbols, rest: restBase) {
                                    await Self.backfill(url, symbol: symbol, core: core, logger: logger)
                                }
                            }
                            if let reply = spec.reply(to: text) { try await outbound.write(.text(reply)) }
                            for gap in try await core.handle(text, recvTs: Self.now()) {
                                guard let url = spec.backfillURL(for: gap, rest: restBase) else { continue }
                                await Self.backfill(url, symbol: gap.symbol, core: core, logger: logger)
                            }
                        }
                    }
                    try await group.next()
                    group.cancelAll()
                }
            }
        } catch is RolledOver {
            rolledOver = true
        } catch {
            if !Task.isCancelled { logger.warning("connection failed", metadata: ["url": "\(plan.url)", "error": "\(error)"]) }
        }
        let lived = ContinuousClock.now - started
        signals.yield(.ended(lived: Double(lived.components.seconds), rolledOver: rolledOver))
    }

    /// Fetches a REST body of trades the stream missed and publishes the ones not seen yet.
    static func backfill(_ url: String, symbol: String, core: CollectorCore, logger: Logger) async {
        do {
            let (status, body, _) = try await RestFetch.get(url)
            if (200..<300).contains(status) {
                try await core.handleBackfill(body, symbol: symbol, recvTs: now())
            } else {
                await core.noteRestError()
                logger.warning("backfill failed", metadata: ["url": "\(url)", "status": "\(status)"])
            }
        } catch {
            await core.noteRestError()
            logger.warning("backfill failed", metadata: ["url": "\(url)", "error": "\(error)"])
        }
    }

    /// Polls one REST endpoint; honours `Retry-After` on 429 and stops for the ban time on 418.
    func poll(_ poll: RestPoll) async throws {
        while !Task.isCancelled {
            var wait = poll.seconds
            do {
                let (status, body, retryAfter) = try await RestFetch.get(poll.url)
                switch status {
                case 200..<300: try await core.handle(body, recvTs: Self.now())
                case 429, 418:
                    wait = max(wait, retryAfter ?? (status == 418 ? 120 : 60))
                    logger.error("REST rate limit: backing off", metadata: ["url": "\(poll.url)", "status": "\(status)", "wait.s": "\(wait)"])
                    await core.noteRestError()
                default:
                    await core.noteRestError()
                    logger.warning("REST poll failed", metadata: ["url": "\(poll.url)", "status": "\(status)"])
                }
            } catch {
                await core.noteRestError()
                logger.warning("REST poll failed", metadata: ["url": "\(poll.url)", "error": "\(error)"])
            }
            try await Task.sleep(for: .milliseconds(Int(wait * 1000)))
        }
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}

/// Plain HTTP GETs over AsyncHTTPClient (shared client, 10 s timeout unless given, bodies up to 64 MiB).
public enum RestFetch {
    /// Status, body text and the `Retry-After` seconds when the server sent one.
    public static func get(_ url: String, timeout: TimeAmount = .seconds(10)) async throws -> (Int, String, Double?) {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "User-Agent", value: "liqmap")
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let body = try await response.body.collect(upTo: 64 << 20)
        let retryAfter = response.headers.first(name: "Retry-After").flatMap(Double.init)
        return (Int(response.status.code), String(buffer: body), retryAfter)
    }

    /// A POST without a body (control endpoints such as the loopback exchange's faults): status and body.
    public static func post(_ url: String, timeout: TimeAmount = .seconds(10)) async throws -> (Int, String) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "User-Agent", value: "liqmap")
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 20)))
    }
}

extension LiveCollector: Service {
    /// Runs until the service group shuts down (SIGTERM/SIGINT), then flushes what is pending so
    /// nothing received is left behind (what Redis cannot take goes to the spool).
    public func run() async throws {
        try? await cancelWhenGracefulShutdown { try await self.runUntilCancelled() }
        try await publisher.finish(now: Self.now())
        let summary = await core.parseSummary
        logger.info("collector stopped", metadata: ["parse": "\(summary)"])
    }
}
