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

    /// From the control endpoint's words: `drop`, `stall` (n = seconds), `duplicate`, `garbage` (n = count).
    public init?(kind: String, n: Double?) {
        switch kind {
        case "drop": self = .drop
        case "stall": self = .stall(seconds: n ?? 5)
        case "duplicate": self = .duplicate(count: Int(n ?? 10))
        case "garbage": self = .garbage(count: Int(n ?? 1))
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .drop: "drop"
        case .stall(let s): "stall \(s)s"
        case .duplicate(let n): "duplicate \(n)"
        case .garbage(let n): "garbage \(n)"
        }
    }
}
