/// Encodes commands in RESP (`*N\r\n$len\r\n…\r\n`) straight into one buffer, so a pipeline of
/// thousands of commands costs one copy into hiredis instead of one formatting call per command.
public struct RESPWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    /// Commands written so far.
    public private(set) var commands = 0

    public init(reservingCapacity capacity: Int = 4096) {
        bytes.reserveCapacity(capacity)
    }

    /// Starts a command of `arguments` arguments (the name counts as one).
    public mutating func begin(arguments: Int) {
        bytes.append(UInt8(ascii: "*"))
        appendDecimal(arguments)
        appendCRLF()
        commands += 1
    }

    /// One argument, binary-safe.
    public mutating func argument(_ value: some Collection<UInt8>) {
        bytes.append(UInt8(ascii: "$"))
        appendDecimal(value.count)
        appendCRLF()
        bytes.append(contentsOf: value)
        appendCRLF()
    }

    /// One argument from contiguous bytes (the fast path: one memcpy).
    public mutating func argument(_ value: [UInt8]) {
        bytes.append(UInt8(ascii: "$"))
        appendDecimal(value.count)
        appendCRLF()
        value.withUnsafeBufferPointer { bytes.append(contentsOf: $0) }
        appendCRLF()
    }

    public mutating func argument(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            bytes.append(UInt8(ascii: "$"))
            appendDecimal(utf8.count)
            appendCRLF()
            bytes.append(contentsOf: utf8)
            appendCRLF()
        }
    }
    public mutating func argument(_ value: RedisArgument) { argument(value.bytes) }

    /// A whole command from arguments.
    public mutating func command(_ args: [RedisArgument]) {
        begin(arguments: args.count)
        for a in args { argument(a.bytes) }
    }

    /// Appends one command that is already RESP-encoded (a span of another writer's buffer).
    mutating func appendEncodedCommand(_ encoded: ArraySlice<UInt8>) {
        bytes.append(contentsOf: encoded)
        commands += 1
    }

    private mutating func appendCRLF() {
        bytes.append(13)
        bytes.append(10)
    }

    private mutating func appendDecimal(_ n: Int) {
        precondition(n >= 0)
        if n < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(n))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var v = n
        withUnsafeMutableBytes(of: &digits) { buf in
            while v > 0 {
                buf[count] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                count += 1
            }
            for i in stride(from: count - 1, through: 0, by: -1) { bytes.append(buf[i]) }
        }
    }
}
