import Foundation
import Logging
import LiqmapCore
import LiqmapExchanges
import CoreMetrics

/// The state one collector process shares across its connections: the parser session, duplicate
/// suppression, the recorder and the publisher. Every received frame goes through ``handle(_:recvTs:)``.
public actor CollectorCore {
    var session: ParseSession
    var recent = RecentKeys()
    let publisher: EventPublisher
    let recorder: FileHandle?
    let logger: Logger
    let metrics: CollectorMetrics

    /// Counters the collector reports (and the tests assert on).
    public struct Counters: Sendable, Hashable {
        public var frames = 0
        public var events = 0
        public var malformed = 0
        public var duplicatesDropped = 0
        public var reconnects = 0
        public var restErrors = 0
        public var gaps = 0
        public var backfilled = 0
        public var lastFrameAt: Int64 = 0
    }
    public private(set) var counters = Counters()
    var vitals = VitalsTracker()
    /// This machine's clock against the venue's event times.
    var clockOffset = ClockOffsetWindow()

    public init(session: ParseSession, publisher: EventPublisher, recordPath: String?, logger: Logger) throws {
        self.session = session
        self.publisher = publisher
        self.logger = logger
        self.metrics = CollectorMetrics(feed: session.feed)
        if let recordPath {
            if !FileManager.default.fileExists(atPath: recordPath) {
                _ = FileManager.default.createFile(atPath: recordPath, contents: nil)
            }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: recordPath))
            try handle.seekToEnd()
            recorder = handle
        } else {
            recorder = nil
        }
    }

    /// Records, parses, de-duplicates and publishes one frame. Never throws for a bad frame: it is
    /// counted and quarantined. Throws only when publishing fails without a spool (back-pressure).
    @discardableResult
    public func handle(_ frame: String, recvTs: Int64) async throws -> [SequenceGap] {
        counters.frames += 1
        counters.lastFrameAt = recvTs
        metrics.frames.increment()
        if let recorder {
            // One frame per line: a frame with a raw newline (never seen in venue JSON) is escaped.
            let line = "\(recvTs)\t\(frame.contains("\n") ? frame.replacingOccurrences(of: "\n", with: "\\n") : frame)\n"
            try? recorder.write(contentsOf: Data(line.utf8))
        }
        switch session.frame(frame, recvTs: recvTs) {
        case .events(let events):
            var fresh: [NormalizedEvent] = []
            fresh.reserveCapacity(events.count)
            for e in events {
                // Trades always carry the venue's own time (other kinds may fall back to recvTs).
                if e.kind == .trade, let ts = e.ts { clockOffset.add(receivedMs: recvTs, eventMs: ts) }
                if recent.insert(RecentKeys.key(e)) {
                    fresh.append(e)
                    metrics.events(e.kind, 1)
                } else {
                    counters.duplicatesDropped += 1
                    metrics.duplicates.increment()
                }
            }
            counters.events += fresh.count
            if let offset = clockOffset.offsetMs { metrics.clockOffset.record(Double(offset) / 1000) }
            try await publisher.publish(fresh, now: recvTs)
        case .malformed(let reason):
            counters.malformed += 1
            metrics.malformed(reason: ParseSession.reasonClass(reason))
            logger.debug("malformed frame", metadata: ["reason": "\(reason)"])
            await publisher.quarantine(frame: frame, reason: reason, recvTs: recvTs)
        case .skipped:
            break
        }
        let gaps = session.takeGaps()
        if !gaps.isEmpty {
            counters.gaps += gaps.count
            metrics.gaps.increment(by: gaps.count)
            logger.warning("sequence gap", metadata: ["gaps": "\(gaps.map { "\($0.symbol) \($0.from)...\($0.to)" })"])
        }
        return gaps
    }

    /// Publishes the events of a REST backfill body (duplicates dropped as for frames).
    public func handleBackfill(_ body: String, symbol: String, recvTs: Int64) async throws {
        switch session.backfill(body, symbol: symbol, recvTs: recvTs) {
        case .events(let events):
            let fresh = events.filter { recent.insert(RecentKeys.key($0)) }
            counters.backfilled += fresh.count
            counters.events += fresh.count
            for e in fresh { metrics.events(e.kind, 1) }
            try await publisher.publish(fresh, now: recvTs)
        case .malformed(let reason):
            counters.malformed += 1
            metrics.malformed(reason: "backfill")
            logger.warning("unreadable backfill", metadata: ["reason": "\(reason)"])
        case .skipped:
            break
        }
    }

    /// How many WebSocket connections the feed plans (the denominator of "connected").
    public func plannedConnections(_ n: Int) { vitals.planned = n; vitals.stateChanged(at: Self.nowMs) }

    /// A WebSocket connection opened (`up`) or ended.
    public func noteConnection(up: Bool) {
        vitals.up = max(0, vitals.up + (up ? 1 : -1))
        vitals.stateChanged(at: Self.nowMs)
    }

    /// The figures a registry beat carries, sampled now.
    public func sample(nowMs: Int64) -> CollectorVitals {
        if counters.frames > 0 { metrics.lastFrame.record(Double(counters.lastFrameAt) / 1000) }
        return vitals.sample(nowMs: nowMs, events: counters.events, malformed: counters.malformed, lastFrameMs: counters.frames > 0 ? counters.lastFrameAt : nil,
                      reconnects: counters.reconnects, clockOffsetMs: clockOffset.offsetMs)
    }

    static var nowMs: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    public func noteReconnect() {
        counters.reconnects += 1
        metrics.reconnects.increment()
    }

    public func noteRestError() {
        counters.restErrors += 1
        metrics.restErrors.increment()
    }
    public func updateInstruments(_ registry: InstrumentRegistry) { session.updateInstruments(registry) }
    public var parseSummary: String { session.summary }
}
