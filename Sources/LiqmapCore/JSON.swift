/// A parsed JSON value. Numbers keep their text (`number("0.014")`) so nothing is rounded before a
/// parser decides how to read it; exchanges send most numbers as strings anyway.
public indirect enum JSON: Sendable, Hashable {
    case object([(key: String, value: JSON)])
    case array([JSON])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    public static func == (a: JSON, b: JSON) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.array(let x), .array(let y)): x == y
        case (.string(let x), .string(let y)), (.number(let x), .number(let y)): x == y
        case (.bool(let x), .bool(let y)): x == y
        case (.null, .null): true
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .object(let pairs): for p in pairs { hasher.combine(p.key); hasher.combine(p.value) }
        case .array(let items): hasher.combine(items)
        case .string(let s), .number(let s): hasher.combine(s)
        case .bool(let b): hasher.combine(b)
        case .null: hasher.combine(0)
        }
    }

    /// The member `key` of an object (first match), nil otherwise.
    public subscript(key: String) -> JSON? {
        guard case .object(let pairs) = self else { return nil }
        for pair in pairs where pair.key == key { return pair.value }
        return nil
    }

    public var array: [JSON]? { if case .array(let a) = self { a } else { nil } }
    public var isNull: Bool { self == .null }

    /// A string value (not a number's text).
    public var string: String? { if case .string(let s) = self { s } else { nil } }

    /// A number, or a string holding a number (`"0.014"`), as Double; nil for anything else,
    /// including an empty string.
    public var double: Double? {
        switch self {
        case .number(let s), .string(let s): Double(s)
        default: nil
        }
    }

    /// A whole number (JSON number or numeric string) as Int64.
    public var int64: Int64? {
        switch self {
        case .number(let s), .string(let s): DecimalText.int64(slow: s)
        default: nil
        }
    }

    /// The text of a string or number (ids arrive as either).
    public var text: String? {
        switch self {
        case .string(let s), .number(let s): s
        default: nil
        }
    }
}

extension JSON {
    /// The value as compact JSON text (members in their order; numbers as their original text).
    public func serialized() -> String {
        var out: [UInt8] = []
        append(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    func append(to out: inout [UInt8]) {
        switch self {
        case .object(let pairs):
            out.append(UInt8(ascii: "{"))
            for (i, pair) in pairs.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONText.string(pair.key, to: &out)
                out.append(UInt8(ascii: ":"))
                pair.value.append(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.append(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .string(let s): JSONText.string(s, to: &out)
        case .number(let n): out.append(contentsOf: n.utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .null: out.append(contentsOf: "null".utf8)
        }
    }
}

/// Why a text is not JSON.
public struct JSONError: Error, Sendable, Hashable, CustomStringConvertible {
    public let offset: Int
    public let reason: String
    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }
    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

extension JSON {
    /// Parses one JSON document (RFC 8259), refusing trailing content, invalid UTF-8 and nesting
    /// deeper than 64 (the grammar is `JSONTokenizer`'s; this builds a tree from its tape).
    public static func parse(_ text: some StringProtocol) throws(JSONError) -> JSON {
        try JSONNode.read(String(text), onError: { (e: JSONError) -> JSONError in e }) { (node: JSONNode) throws(JSONError) -> JSON in node.json }
    }

    /// Parses UTF-8 bytes.
    public static func parse(bytes: [UInt8]) throws(JSONError) -> JSON {
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONError) in
                try JSONNode.read(bytes: buffer, onError: { (e: JSONError) -> JSONError in e }) { (node: JSONNode) throws(JSONError) -> JSON in node.json }
            }
        }
        return try result.get()
    }
}
