/// One value of a JSON document as `JSONTokenizer` records it: where its bytes are and where the
/// token after it (past a container's contents) starts. 16 bytes; a frame's tape is a flat array.
@usableFromInline
struct JSONToken {
    @usableFromInline
    enum Kind: UInt8 {
        case object, array, number, `true`, `false`, null
        /// A string of ASCII bytes without escapes (the common case: read straight from the bytes).
        case asciiString
        /// A string with non-ASCII UTF-8 (validated) but no escapes.
        case utf8String
        /// A string with backslash escapes (validated; decoded on demand).
        case escapedString
    }

    @usableFromInline var kind: Kind
    /// First byte (strings: after the opening quote).
    @usableFromInline var start: UInt32
    /// One past the last byte (strings: the closing quote).
    @usableFromInline var end: UInt32
    /// Index of the token after this value and everything inside it.
    @usableFromInline var next: UInt32
}

/// Reads one JSON document (RFC 8259) into a tape of tokens, refusing trailing content, invalid UTF-8
/// and nesting deeper than 64. The one JSON grammar of the project: `JSON.parse` builds its tree from
/// this tape, and `JSONNode` reads frames from it without building anything.
@usableFromInline
struct JSONTokenizer {
    let bytes: UnsafeBufferPointer<UInt8>
    let tokens: UnsafeMutableBufferPointer<JSONToken>
    var count = 0
    var i = 0
    var depth = 0

    /// `full`: the tape has no room left (the caller retries with room for the worst case).
    enum Failure: Error {
        case full
        case invalid(JSONError)
    }

    init(bytes: UnsafeBufferPointer<UInt8>, tokens: UnsafeMutableBufferPointer<JSONToken>) {
        self.bytes = bytes
        self.tokens = tokens
    }

    /// How a tokenization ended.
    @usableFromInline
    enum Outcome {
        case done
        /// The tape has no room left (the caller retries with room for the worst case).
        case full
        case invalid(JSONError)
    }

    /// Tokenizes `bytes` into `tape` (token 0 is the root).
    @usableFromInline
    static func tokenize(_ bytes: UnsafeBufferPointer<UInt8>, into tape: UnsafeMutableBufferPointer<JSONToken>) -> Outcome {
        var tokenizer = JSONTokenizer(bytes: bytes, tokens: tape)
        do throws(Failure) {
            try tokenizer.document()
            return .done
        } catch {
            switch error {
            case .full: return .full
            case .invalid(let reason): return .invalid(reason)
            }
        }
    }

    /// The most tokens a document of `byteCount` bytes can need (every value takes ≥ 1 byte plus a
    /// separator, keys take ≥ 2 bytes plus ':').
    @usableFromInline
    static func worstCase(_ byteCount: Int) -> Int { byteCount / 2 + 2 }

    mutating func document() throws(Failure) {
        try value()
        skipSpace()
        guard i == bytes.count else { throw fail("trailing content") }
    }

    func fail(_ reason: String) -> Failure { .invalid(JSONError(offset: i, reason: reason)) }

    @inline(__always)
    mutating func push(_ kind: JSONToken.Kind, _ start: Int, _ end: Int) throws(Failure) -> Int {
        guard count < tokens.count else { throw .full }
        let index = count
        tokens[index] = JSONToken(kind: kind, start: UInt32(truncatingIfNeeded: start), end: UInt32(truncatingIfNeeded: end),
                                  next: UInt32(truncatingIfNeeded: index + 1))
        count += 1
        return index
    }

    @inline(__always)
    mutating func skipSpace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return
            }
        }
    }

    mutating func value() throws(Failure) {
        skipSpace()
        guard i < bytes.count else { throw fail("unexpected end") }
        switch bytes[i] {
        case UInt8(ascii: "{"): try object()
        case UInt8(ascii: "["): try array()
        case UInt8(ascii: "\""): try string()
        case UInt8(ascii: "t"): try literal("true", .true)
        case UInt8(ascii: "f"): try literal("false", .false)
        case UInt8(ascii: "n"): try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
        default: throw fail("unexpected character")
        }
    }

    mutating func literal(_ word: StaticString, _ kind: JSONToken.Kind) throws(Failure) {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count else { throw fail("unexpected end") }
        for k in 0..<n where bytes[i + k] != word.utf8Start[k] { throw fail("invalid literal") }
        _ = try push(kind, i, i + n)
        i += n
    }

    mutating func enter() throws(Failure) {
        depth += 1
        if depth > 64 { throw fail("nesting deeper than 64") }
    }

    mutating func object() throws(Failure) {
        try enter()
        let index = try push(.object, i, i)
        i += 1
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a key") }
                try string()
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                i += 1
                try value()
                skipSpace()
                guard i < bytes.count else { throw fail("unexpected end") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; break }
                throw fail("expected ',' or '}'")
            }
        }
        depth -= 1
        tokens[index].end = UInt32(truncatingIfNeeded: i)
        tokens[index].next = UInt32(truncatingIfNeeded: count)
    }

    mutating func array() throws(Failure) {
        try enter()
        let index = try push(.array, i, i)
        i += 1
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
            i += 1
        } else {
            while true {
                try value()
                skipSpace()
                guard i < bytes.count else { throw fail("unexpected end") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "]") { i += 1; break }
                throw fail("expected ',' or ']'")
            }
        }
        depth -= 1
        tokens[index].end = UInt32(truncatingIfNeeded: i)
        tokens[index].next = UInt32(truncatingIfNeeded: count)
    }

    mutating func number() throws(Failure) {
        let start = i
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard digits() > 0 else { throw fail("invalid number") }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { throw fail("invalid number") }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { throw fail("invalid number") }
        }
        _ = try push(.number, start, i)
    }

    @inline(__always)
    mutating func digits() -> Int {
        let s = i
        while i < bytes.count, bytes[i] &- UInt8(ascii: "0") < 10 { i += 1 }
        return i - s
    }

    mutating func string() throws(Failure) {
        i += 1  // opening quote
        let start = i
        var ascii = true
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                if !ascii {
                    guard String(validating: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self) != nil else {
                        throw fail("invalid UTF-8 in string")
                    }
                }
                _ = try push(ascii ? .asciiString : .utf8String, start, i)
                i += 1
                return
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw fail("control character in string") }
            if c >= 0x80 { ascii = false }
            i += 1
        }
        guard i < bytes.count else { throw fail("unterminated string") }
        // Escapes: decode once to validate; `JSONNode` decodes again when the text is asked for.
        var decoder = JSONStringDecoder(bytes: bytes, i: start)
        do { _ = try decoder.decode() } catch { i = error.offset; throw .invalid(error) }
        _ = try push(.escapedString, start, decoder.i - 1)
        i = decoder.i
    }
}

/// Decodes a JSON string with escapes, from just after its opening quote to just past its closing one.
struct JSONStringDecoder {
    let bytes: UnsafeBufferPointer<UInt8>
    var i: Int

    func error(_ reason: String) -> JSONError { JSONError(offset: i, reason: reason) }

    mutating func decode() throws(JSONError) -> String {
        var out: [UInt8] = []
        while i < bytes.count {
            let c = bytes[i]
            switch c {
            case UInt8(ascii: "\""):
                i += 1
                guard let s = String(validating: out, as: UTF8.self) else { throw error("invalid UTF-8 in string") }
                return s
            case UInt8(ascii: "\\"):
                i += 1
                guard i < bytes.count else { throw error("unexpected end") }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                            throw error("unpaired surrogate")
                        }
                        i += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default: throw error("invalid escape")
                }
            default:
                if c < 0x20 { throw error("control character in string") }
                out.append(c)
                i += 1
            }
        }
        throw error("unterminated string")
    }

    mutating func hex4() throws(JSONError) -> UInt32 {
        guard i + 4 <= bytes.count else { throw error("unexpected end") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw error("invalid \\u escape")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }
}
