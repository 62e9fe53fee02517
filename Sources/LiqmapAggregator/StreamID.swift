/// A Redis stream entry id (`<ms>-<seq>`), ordered as Redis orders them.
public struct StreamID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var ms: UInt64
    public var seq: UInt64

    public static let zero = StreamID(ms: 0, seq: 0)

    public init(ms: UInt64, seq: UInt64) {
        self.ms = ms
        self.seq = seq
    }

    /// Parses `ms-seq` (or a bare `ms`, as Redis accepts); nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2, let ms = UInt64(parts[0]) else { return nil }
        let seq: UInt64
        if parts.count == 2 {
            guard let s = UInt64(parts[1]) else { return nil }
            seq = s
        } else {
            seq = 0
        }
        self.init(ms: ms, seq: seq)
    }

    public var description: String { "\(ms)-\(seq)" }

    public static func < (a: StreamID, b: StreamID) -> Bool { (a.ms, a.seq) < (b.ms, b.seq) }
}
