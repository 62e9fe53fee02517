import LiqmapCore

/// Drives a feed's parser over recording lines and keeps the counts `liqmap parse` and the collector
/// report: frames, events, malformed (by reason) and ignored (frames that gave no event).
public struct ParseSession: Sendable {
    private var parser: any FeedParser
    public private(set) var frames = 0
    public private(set) var events = 0
    public private(set) var malformed = 0
    public private(set) var ignored = 0
    public private(set) var malformedByReason: [String: Int] = [:]
    /// Sequence numbers found missing (sum of gap sizes) and gaps found.
    public private(set) var gaps = 0

    /// What one line gave.
    public enum Outcome: Sendable {
        case skipped
        case events([NormalizedEvent])
        case malformed(reason: String)
    }

    public init(feed: Feed, instruments: InstrumentRegistry) {
        parser = FeedParsers.make(feed, instruments: instruments)
    }

    public var feed: Feed { parser.feed }

    /// Swaps in refreshed instrument metadata; the parser keeps its other state (ticker snapshots, marks).
    public mutating func updateInstruments(_ registry: InstrumentRegistry) { parser.instruments = registry }

    /// Parses one recording line (see ``RecordingLine``).
    public mutating func line(_ line: Substring) -> Outcome {
        switch RecordingLine.split(line) {
        case .skip: return .skipped
        case .frame(let recvTs, let text): return frame(String(text), recvTs: recvTs)
        }
    }

    /// Parses one frame; every event must pass the contract's rules or the frame is malformed.
    public mutating func frame(_ text: String, recvTs: Int64?) -> Outcome {
        frames += 1
        do throws(MalformedFrame) {
            let out = try parser.parse(text, recvTs: recvTs)
            for e in out {
                if let reason = e.invalidReason { throw MalformedFrame("\(e.kind.rawValue) \(e.symbol): \(reason)") }
            }
            if out.isEmpty { ignored += 1 }
            events += out.count
            return .events(out)
        } catch {
            malformed += 1
            malformedByReason[Self.reasonClass(error.reason), default: 0] += 1
            return .malformed(reason: error.reason)
        }
    }

    /// Gaps found since the last call (the live collector backfills them where the venue allows).
    public mutating func takeGaps() -> [SequenceGap] {
        let found = parser.takeGaps()
        gaps += found.count
        return found
    }

    /// Events of a REST backfill body, validated like frames; a bad body is malformed.
    public mutating func backfill(_ body: String, symbol: String, recvTs: Int64?) -> Outcome {
        do throws(MalformedFrame) {
            let out = try parser.parseBackfill(body, symbol: symbol, recvTs: recvTs)
            for e in out {
                if let reason = e.invalidReason { throw MalformedFrame("\(e.kind.rawValue) \(e.symbol): \(reason)") }
            }
            events += out.count
            return .events(out)
        } catch {
            malformed += 1
            return .malformed(reason: "backfill: \(error.reason)")
        }
    }

    /// `frames=… events=… malformed=… ignored=…`, the last line `liqmap parse` prints.
    public var summary: String { "frames=\(frames) events=\(events) malformed=\(malformed) ignored=\(ignored)" }

    /// A low-cardinality label for a reason (for metrics): its text up to the first digit or quote.
    public static func reasonClass(_ reason: String) -> String {
        String(reason.prefix { !$0.isNumber && $0 != "'" && $0 != "\"" }).trimmingSuffix()
    }
}

extension String {
    func trimmingSuffix() -> String {
        var s = Substring(self)
        while let last = s.last, last == " " || last == ":" { s.removeLast() }
        return String(s)
    }
}
