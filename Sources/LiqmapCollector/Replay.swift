import Foundation
import Logging
import LiqmapCore
import LiqmapExchanges

/// Replays a recording through the same parser and publisher a live collector uses, at the recorded
/// pace times `speed` (nil: as fast as possible), then flushes and waits until every batch is in
/// Redis (the spool drained). Returns the parse counts.
public struct Replay: Sendable {
    public let path: String
    public let speed: Double?
    /// Batches are flushed when they are this old (ms), as a live collector does.
    public let flushInterval: Int64

    public init(path: String, speed: Double?, flushInterval: Int64 = 5) {
        self.path = path
        self.speed = speed
        self.flushInterval = flushInterval
    }

    public func run(session: inout ParseSession, publisher: EventPublisher, logger: Logger) async throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw ReplayError(description: "cannot read recording '\(path)'") }
        let text = String(decoding: data, as: UTF8.self)
        let clock = ContinuousClock()
        let start = clock.now
        var firstRecv: Int64?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard case .frame(let recvTs, let frame) = RecordingLine.split(line) else { continue }
            if let speed, let recvTs {
                let base = firstRecv ?? recvTs
                firstRecv = base
                let due = start + .milliseconds(Int64(Double(recvTs - base) / speed))
                if due > clock.now { try await Task.sleep(until: due, clock: clock) }
            }
            let now = Self.nowMilliseconds()
            switch session.frame(String(frame), recvTs: recvTs) {
            case .events(let events):
                try await publisher.publish(events, now: now)
            case .malformed(let reason):
                logger.debug("malformed frame", metadata: ["reason": "\(reason)"])
                await publisher.quarantine(frame: String(frame), reason: reason, recvTs: recvTs)
            case .skipped:
                break
            }
            try await publisher.flush(now: now, interval: flushInterval)
        }
        try await publisher.finish(now: Self.nowMilliseconds())
        var wait = 0.1
        while !(await publisher.drainSpool()) {
            let depth = await publisher.spoolDepth
            logger.warning("waiting for Redis to take the spooled batches", metadata: ["spool.batches": "\(depth)"])
            try await Task.sleep(for: .seconds(wait))
            wait = min(wait * 2, 5)
        }
    }

    static func nowMilliseconds() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    public struct ReplayError: Error, CustomStringConvertible {
        public let description: String
    }
}
