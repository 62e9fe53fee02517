/// One command inside a RESP buffer: its bytes and the byte ranges of its arguments (contents only).
struct RESPCommandSpan: Sendable, Hashable {
    let range: Range<Int>
    let arguments: [Range<Int>]
}

/// Splits a buffer of RESP commands (as `RESPWriter` writes them: `*N\r\n` then N `$len\r\n…\r\n`)
/// into commands, so a cluster client can send each to its key's node. Pure; no I/O.
enum RESPCommandSpans {
    static func split(_ bytes: [UInt8]) throws(RedisError) -> [RESPCommandSpan] {
        var spans: [RESPCommandSpan] = []
        var i = 0
        func number(after marker: UInt8) throws(RedisError) -> Int {
            guard i < bytes.count, bytes[i] == marker else { throw malformed(i) }
            i += 1
            var n = 0
            var digits = 0
            while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 {
                n = n * 10 + Int(bytes[i] - 48)
                digits += 1
                i += 1
                guard digits <= 18 else { throw malformed(i) }
            }
            guard digits > 0, i + 1 < bytes.count, bytes[i] == 13, bytes[i + 1] == 10 else { throw malformed(i) }
            i += 2
            return n
        }
        while i < bytes.count {
            let start = i
            let count = try number(after: UInt8(ascii: "*"))
            var arguments: [Range<Int>] = []
            arguments.reserveCapacity(count)
            for _ in 0..<count {
                let length = try number(after: UInt8(ascii: "$"))
                guard length <= bytes.count - i - 2, bytes[i + length] == 13, bytes[i + length + 1] == 10 else { throw malformed(i) }
                arguments.append(i..<(i + length))
                i += length + 2
            }
            spans.append(RESPCommandSpan(range: start..<i, arguments: arguments))
        }
        return spans
    }

    private static func malformed(_ offset: Int) -> RedisError {
        RedisError(.invalidArgument, "malformed RESP command buffer at byte \(offset)")
    }
}
