import Foundation
import LiqmapCore

/// Encodes an ``EventBatch`` as the fields of one Redis stream entry and back (encoding v1):
///
/// | field   | value |
/// |---------|-------|
/// | `v`     | `1`, the encoding version |
/// | `codec` | `ndjson`: `data` holds one normalized event (JSON) per line |
/// | `src`   | the producer |
/// | `seq`   | the producer's batch number (decimal) |
/// | `n`     | the number of events (decimal), checked against `data` |
/// | `data`  | the events, UTF-8, `\n`-separated, no trailing newline |
public enum EventBatchCodec {
    /// The encoding version this code writes and reads.
    public static let version = "1"
    /// The only codec of version 1.
    public static let codec = "ndjson"

    /// Why a stream entry is not a readable batch.
    public struct DecodeError: Error, Sendable, Hashable, CustomStringConvertible {
        public let reason: String
        public var description: String { "unreadable event batch: \(reason)" }
    }

    /// The fields of one stream entry, in order.
    public static func encode(_ batch: EventBatch) -> [(name: String, value: [UInt8])] {
        var data: [UInt8] = []
        data.reserveCapacity(batch.events.count * 240)
        for (i, event) in batch.events.enumerated() {
            if i > 0 { data.append(UInt8(ascii: "\n")) }
            event.appendJSON(to: &data)
        }
        return [
            ("v", Array(version.utf8)),
            ("codec", Array(codec.utf8)),
            ("src", Array(batch.source.utf8)),
            ("seq", Array(String(batch.sequence).utf8)),
            ("n", Array(String(batch.events.count).utf8)),
            ("data", data),
        ]
    }

    /// Reads the fields of one stream entry; unknown extra fields are ignored.
    public static func decode(_ fields: [(name: String, value: [UInt8])]) throws(DecodeError) -> EventBatch {
        func field(_ name: String) throws(DecodeError) -> [UInt8] {
            guard let value = fields.first(where: { $0.name == name })?.value else {
                throw DecodeError(reason: "missing field '\(name)'")
            }
            return value
        }
        func text(_ name: String) throws(DecodeError) -> String {
            let bytes = try field(name)
            guard let string = String(validating: bytes, as: UTF8.self) else { throw DecodeError(reason: "field '\(name)' is not UTF-8") }
            return string
        }
        let v = try text("v")
        guard v == version else { throw DecodeError(reason: "unsupported version '\(v)' (this build reads \(version))") }
        let c = try text("codec")
        guard c == codec else { throw DecodeError(reason: "unsupported codec '\(c)'") }
        let source = try text("src")
        guard let sequence = UInt64(try text("seq")) else { throw DecodeError(reason: "seq is not a number") }
        guard let count = Int(try text("n")), count >= 0 else { throw DecodeError(reason: "n is not a count") }
        let data = try field("data")
        var events: [NormalizedEvent] = []
        events.reserveCapacity(count)
        if !data.isEmpty {
            for (i, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
                let event: NormalizedEvent
                do {
                    event = try NormalizedEvent(json: try JSON.parse(bytes: Array(line)))
                } catch {
                    throw DecodeError(reason: "event \(i + 1) is not a v1 event: \(error)")
                }
                if let problem = event.invalidReason { throw DecodeError(reason: "event \(i + 1): \(problem)") }
                events.append(event)
            }
        }
        guard events.count == count else { throw DecodeError(reason: "n=\(count) but data holds \(events.count) events") }
        return EventBatch(source: source, sequence: sequence, events: events)
    }

    /// Splits events into batches of at most `maxEvents` events and about `maxBytes` of `data`
    /// (a single event larger than `maxBytes` still gets a batch of its own).
    public static func split(_ events: [NormalizedEvent], maxEvents: Int = 500, maxBytes: Int = 256 * 1024,
                             approximateEventBytes: (NormalizedEvent) -> Int = { _ in 220 }) -> [[NormalizedEvent]] {
        precondition(maxEvents >= 1 && maxBytes >= 1)
        var batches: [[NormalizedEvent]] = []
        var current: [NormalizedEvent] = []
        var bytes = 0
        for event in events {
            let size = approximateEventBytes(event)
            if !current.isEmpty && (current.count == maxEvents || bytes + size > maxBytes) {
                batches.append(current)
                current = []
                bytes = 0
            }
            current.append(event)
            bytes += size
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }
}
