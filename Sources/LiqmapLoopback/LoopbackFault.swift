/// A misbehaviour a loopback exchange performs on command.
public enum LoopbackFault: Sendable, Hashable, CustomStringConvertible {
    /// Close every connection without a close frame (a network drop).
    case drop
    /// Send nothing for `seconds`; what is broadcast meanwhile is lost.
    case stall(seconds: Double)
    /// Send the last `count` frames again.
    case duplicate(count: Int)
    /// Send `count` frames that are not JSON.
    case garbage(count: Int)
    /// Send `count` rounds of hostile frames (``hostileFrames(after:round:)``): a 1 MB frame, bytes
    /// that are not UTF-8, and the last frame with its numbers made NaN, made negative, and cut in half.
    case hostile(count: Int)

    /// From the control endpoint's words: `drop`, `stall` (n = seconds), `duplicate`, `garbage` (n = count).
    public init?(kind: String, n: Double?) {
        switch kind {
        case "drop": self = .drop
        case "stall": self = .stall(seconds: n ?? 5)
        case "duplicate": self = .duplicate(count: Int(n ?? 10))
        case "garbage": self = .garbage(count: Int(n ?? 1))
        case "hostile": self = .hostile(count: Int(n ?? 1))
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .drop: "drop"
        case .stall(let s): "stall \(s)s"
        case .duplicate(let n): "duplicate \(n)"
        case .garbage(let n): "garbage \(n)"
        case .hostile(let n): "hostile \(n)"
        }
    }

    /// Frames of rounds of a ``hostile(count:)`` fault, made from `last`, the last frame sent.
    public static func hostileFrames(after last: String, round: Int) -> [[UInt8]] {
        [
            Array("{\"loopback\":\"huge \(round)\",\"pad\":\"\(String(repeating: "x", count: 1 << 20))\"}".utf8),
            [0x7B, 0x22, 0xFF, 0xFE, 0xC3, 0x28, 0x22, 0x3A, 0x31, 0x7D],  // {"\xff\xfe\xc3(":1}: not UTF-8
            Array(replacingNumbers(in: last, with: "NaN").utf8),
            Array(replacingNumbers(in: last, with: "-1").utf8),
            Array(last.utf8.prefix(last.utf8.count / 2)),
        ]
    }

    /// `text` with every number, bare or in quotes, replaced by `word` (kept in quotes where it was quoted).
    static func replacingNumbers(in text: String, with word: String) -> String {
        var out = "", number = ""
        func flush() {
            if !number.isEmpty { out += word }
            number = ""
        }
        for c in text {
            if c.isASCII, c.isNumber || (number.isEmpty ? c == "-" : c == "." || c == "e" || c == "E" || c == "+" || c == "-") {
                number.append(c)
            } else {
                if number == "-" { out += "-"; number = "" }
                flush()
                out.append(c)
            }
        }
        flush()
        return out
    }
}
