/// A value inside a JSON document read by `JSONNode.read`: a position on the document's token tape.
/// Nothing is built: member lookup compares bytes, and text or numbers are decoded only when asked for.
/// Valid only inside the closure that handed it out (it points into that closure's buffers); never
/// store one.
public struct JSONNode {
    @usableFromInline let bytes: UnsafeBufferPointer<UInt8>
    @usableFromInline let tokens: UnsafePointer<JSONToken>
    @usableFromInline let index: Int

    @usableFromInline
    init(bytes: UnsafeBufferPointer<UInt8>, tokens: UnsafePointer<JSONToken>, index: Int) {
        self.bytes = bytes
        self.tokens = tokens
        self.index = index
    }

    /// Reads `text` as one JSON document and gives its root to `body`; a text that is not JSON gives
    /// `onError(reason)` instead.
    @inlinable
    public static func read<R, E: Error>(_ text: String, onError: (JSONError) -> E,
                                         _ body: (JSONNode) throws(E) -> R) throws(E) -> R {
        var text = text
        let result = text.withUTF8 { bytes in
            Result { () throws(E) -> R in try read(bytes: bytes, onError: onError, body) }
        }
        return try result.get()
    }

    /// Like `read(_:onError:_:)`, over UTF-8 bytes.
    @inlinable
    public static func read<R, E: Error>(bytes: UnsafeBufferPointer<UInt8>, onError: (JSONError) -> E,
                                         _ body: (JSONNode) throws(E) -> R) throws(E) -> R {
        // Most frames fit in 64 tokens (1 KiB, on the stack); bigger ones get a tape sized for the worst case.
        let small: Result<R, E>? = withUnsafeTemporaryAllocation(of: JSONToken.self, capacity: 64) { tape in
            tokenizeThenRun(bytes, tape, onError, body)
        }
        if let small { return try small.get() }
        let big: Result<R, E>? = withUnsafeTemporaryAllocation(of: JSONToken.self, capacity: JSONTokenizer.worstCase(bytes.count)) { tape in
            tokenizeThenRun(bytes, tape, onError, body)
        }
        guard let big else { throw onError(JSONError(offset: 0, reason: "document too large")) }
        return try big.get()
    }

    /// nil when the tape was too small.
    @inlinable
    static func tokenizeThenRun<R, E: Error>(_ bytes: UnsafeBufferPointer<UInt8>, _ tape: UnsafeMutableBufferPointer<JSONToken>,
                                                     _ onError: (JSONError) -> E, _ body: (JSONNode) throws(E) -> R) -> Result<R, E>? {
        switch JSONTokenizer.tokenize(bytes, into: tape) {
        case .full: return nil
        case .invalid(let reason): return .failure(onError(reason))
        case .done: break
        }
        let root = JSONNode(bytes: bytes, tokens: UnsafePointer(tape.baseAddress!), index: 0)
        return Result { () throws(E) -> R in try body(root) }
    }

    @usableFromInline var token: JSONToken { tokens[index] }
    @usableFromInline var raw: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[Int(token.start)..<Int(token.end)])
    }

    public var isObject: Bool { token.kind == .object }
    public var isArray: Bool { token.kind == .array }
    public var isNull: Bool { token.kind == .null }
    public var isString: Bool {
        switch token.kind {
        case .asciiString, .utf8String, .escapedString: true
        default: false
        }
    }

    /// `true`/`false`; nil for anything else.
    public var bool: Bool? {
        switch token.kind {
        case .true: true
        case .false: false
        default: nil
        }
    }

    /// The member `key` of an object (first match); nil for a missing key or a non-object.
    @inlinable
    public subscript(key: StaticString) -> JSONNode? {
        let keyBytes = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        return member(keyBytes)
    }

    /// The member `key` of an object (first match); nil for a missing key or a non-object.
    public subscript(key: String) -> JSONNode? {
        var key = key
        return key.withUTF8 { member($0) }
    }

    @usableFromInline
    func member(_ key: UnsafeBufferPointer<UInt8>) -> JSONNode? {
        let t = tokens[index]
        guard t.kind == .object else { return nil }
        var k = index + 1
        let end = Int(t.next)
        let keyCount = key.count
        let first: UInt8 = keyCount > 0 ? key[0] : 0
        while k < end {
            let keyToken = tokens[k]
            let start = Int(keyToken.start)
            if keyToken.kind == .escapedString {
                if JSONNode(bytes: bytes, tokens: tokens, index: k).textEquals(key, keyToken) {
                    return JSONNode(bytes: bytes, tokens: tokens, index: k + 1)
                }
            } else if Int(keyToken.end) - start == keyCount, keyCount == 0 || bytes[start] == first {
                var same = true
                var j = 1
                while j < keyCount {
                    if bytes[start + j] != key[j] { same = false; break }
                    j += 1
                }
                if same { return JSONNode(bytes: bytes, tokens: tokens, index: k + 1) }
            }
            k = Int(tokens[k + 1].next)
        }
        return nil
    }

    /// Whether this is a string whose text is `text` (no allocation).
    public func isString(_ text: StaticString) -> Bool {
        let t = token
        switch t.kind {
        case .asciiString, .utf8String, .escapedString:
            return textEquals(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount), t)
        default:
            return false
        }
    }

    /// Whether this is a string (without escapes) that starts with `prefix` (no allocation).
    public func hasPrefix(_ prefix: StaticString) -> Bool {
        let t = token
        guard t.kind == .asciiString || t.kind == .utf8String else { return false }
        let start = Int(t.start), n = prefix.utf8CodeUnitCount
        guard Int(t.end) - start >= n else { return false }
        for k in 0..<n where bytes[start + k] != prefix.utf8Start[k] { return false }
        return true
    }

    func textEquals(_ other: UnsafeBufferPointer<UInt8>, _ t: JSONToken) -> Bool {
        if t.kind == .escapedString { return Array((string ?? "").utf8).elementsEqual(other) }
        let start = Int(t.start), count = Int(t.end) - start
        guard count == other.count else { return false }
        for k in 0..<count where bytes[start + k] != other[k] { return false }
        return true
    }

    /// The bytes of a string without escapes or of a number (nil otherwise): for comparing against
    /// known text without building a String. Valid as long as the node.
    public var rawText: UnsafeBufferPointer<UInt8>? {
        switch token.kind {
        case .asciiString, .utf8String, .number: raw
        default: nil
        }
    }

    /// A string value (not a number's text).
    public var string: String? {
        let t = token
        switch t.kind {
        case .asciiString, .utf8String: return String(decoding: raw, as: UTF8.self)
        case .escapedString:
            var decoder = JSONStringDecoder(bytes: bytes, i: Int(t.start))
            return try? decoder.decode()
        default: return nil
        }
    }

    /// The text of a string or a number (ids arrive as either).
    public var text: String? {
        token.kind == .number ? String(decoding: raw, as: UTF8.self) : string
    }

    /// A number, or a string holding a number (`"0.014"`), as Double (correctly rounded, as
    /// `Double(String)`); nil for anything else, including an empty string.
    public var double: Double? {
        switch token.kind {
        case .number, .asciiString: DecimalText.double(raw)
        case .utf8String, .escapedString: string.flatMap { Double($0) }
        default: nil
        }
    }

    /// A whole number (JSON number or numeric string) as Int64.
    public var int64: Int64? {
        switch token.kind {
        case .number, .asciiString: DecimalText.int64(raw)
        case .utf8String, .escapedString: string.flatMap { DecimalText.int64(slow: $0) }
        default: nil
        }
    }

    /// The elements of an array; nil for anything else.
    public var array: JSONElements? { isArray ? JSONElements(node: self) : nil }

    /// The members of an object in document order (empty for anything else).
    public var members: JSONMembers { JSONMembers(node: self) }

    /// The value as a `JSON` tree (allocates; for state a parser keeps past the frame).
    public var json: JSON {
        switch token.kind {
        case .object: .object(members.map { ($0.key.string ?? "", $0.value.json) })
        case .array: .array(JSONElements(node: self).map(\.json))
        case .asciiString, .utf8String, .escapedString: .string(string ?? "")
        case .number: .number(String(decoding: raw, as: UTF8.self))
        case .true: .bool(true)
        case .false: .bool(false)
        case .null: .null
        }
    }
}

/// The elements of an array node, in order.
public struct JSONElements: Sequence {
    let node: JSONNode

    public struct Iterator: IteratorProtocol {
        let node: JSONNode
        var k: Int
        let end: Int
        public mutating func next() -> JSONNode? {
            guard k < end else { return nil }
            let element = JSONNode(bytes: node.bytes, tokens: node.tokens, index: k)
            k = Int(node.tokens[k].next)
            return element
        }
    }

    public func makeIterator() -> Iterator {
        let t = node.token
        return t.kind == .array ? Iterator(node: node, k: node.index + 1, end: Int(t.next)) : Iterator(node: node, k: 0, end: 0)
    }

    public var isEmpty: Bool { node.token.next == UInt32(node.index + 1) }

    /// The first element, if any.
    public var first: JSONNode? {
        var iterator = makeIterator()
        return iterator.next()
    }
}

/// The `(key, value)` members of an object node, in document order.
public struct JSONMembers: Sequence {
    let node: JSONNode

    public struct Iterator: IteratorProtocol {
        let node: JSONNode
        var k: Int
        let end: Int
        public mutating func next() -> (key: JSONNode, value: JSONNode)? {
            guard k < end else { return nil }
            let key = JSONNode(bytes: node.bytes, tokens: node.tokens, index: k)
            let value = JSONNode(bytes: node.bytes, tokens: node.tokens, index: k + 1)
            k = Int(node.tokens[k + 1].next)
            return (key, value)
        }
    }

    public func makeIterator() -> Iterator {
        let t = node.token
        return t.kind == .object ? Iterator(node: node, k: node.index + 1, end: Int(t.next)) : Iterator(node: node, k: 0, end: 0)
    }
}
