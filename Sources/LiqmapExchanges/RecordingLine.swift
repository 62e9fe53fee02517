import Foundation

/// One line of a recording, split into receive time and frame. Accepted forms:
///
/// * `RECV_TS_MS<TAB>FRAME` (what `--record` writes; the contract's format);
/// * `FRAME` alone (no receive time);
/// * cryptofeed's raw-data lines, as in the shared fixtures: `SECONDS.FRACTION: FRAME` for a received
///   frame, `URL -> SECONDS.FRACTION: BODY` for a REST response; `URL <- …` (a sent frame) and
///   `URL <-> …` (a connection opened) are skipped.
public enum RecordingLine: Sendable, Hashable {
    case frame(recvTs: Int64?, text: Substring)
    /// Blank lines and frames the client sent.
    case skip

    public static func split(_ line: Substring) -> RecordingLine {
        var line = line
        while let last = line.last, last == "\r" || last == "\n" { line.removeLast() }
        if line.allSatisfy({ $0 == " " || $0 == "\t" }) { return .skip }
        // RECV_TS_MS<TAB>FRAME
        if let tab = line.firstIndex(of: "\t"), tab > line.startIndex, line[..<tab].allSatisfy(\.isASCIIDigit),
           let ms = Int64(line[..<tab]) {
            return .frame(recvTs: ms, text: line[line.index(after: tab)...])
        }
        guard let first = line.first else { return .skip }
        if first.isASCIIDigit, let (ms, rest) = cryptofeedTime(line) { return .frame(recvTs: ms, text: rest) }
        if first == "h" || first == "w" {  // https://… -> ts: body   /   wss://… <- ts: payload
            if let arrow = line.range(of: " -> "), let (ms, rest) = cryptofeedTime(line[arrow.upperBound...]) {
                return .frame(recvTs: ms, text: rest)
            }
            if line.range(of: " <- ") != nil || line.range(of: " <-> ") != nil { return .skip }  // sent frames, connection marks
        }
        return .frame(recvTs: nil, text: line)
    }

    /// `1626992742.334986: rest` → (1626992742334, rest).
    private static func cryptofeedTime(_ s: Substring) -> (Int64, Substring)? {
        guard let colon = s.firstIndex(of: ":") else { return nil }
        let stamp = s[..<colon]
        let parts = stamp.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let seconds = Int64(parts[0]), parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }) else { return nil }
        var ms = seconds * 1000
        if parts.count == 2 { ms += Int64((parts[1] + "000").prefix(3))! }
        var rest = s[s.index(after: colon)...]
        if rest.first == " " { rest = rest.dropFirst() }
        return (ms, rest)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
