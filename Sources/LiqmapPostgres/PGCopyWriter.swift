/// Writes rows in `COPY … FROM STDIN` text format (tab-separated, `\N` for NULL, backslash escapes)
/// and sends them to the server in chunks of about 256 KiB.
///
/// ```swift
/// try conn.copyIn("COPY t (id, name) FROM STDIN") { w in
///     for (id, name) in rows { w.field(id); w.field(name); try w.endRow() }
/// }
/// ```
public struct PGCopyWriter: ~Copyable {
    private let connection: PGConnection
    private var buffer: [UInt8] = []
    private var atRowStart = true
    /// Rows written so far.
    public private(set) var rows = 0
    static let chunk = 256 * 1024

    init(connection: PGConnection) {
        self.connection = connection
        buffer.reserveCapacity(Self.chunk + 4096)
    }

    private mutating func separator() {
        if !atRowStart { buffer.append(UInt8(ascii: "\t")) }
        atRowStart = false
    }

    /// An integer field.
    public mutating func field(_ value: some BinaryInteger) {
        separator()
        buffer.append(contentsOf: String(value).utf8)
    }

    /// A floating-point field (shortest exact representation).
    public mutating func field(_ value: Double) {
        separator()
        buffer.append(contentsOf: "\(value)".utf8)
    }

    /// A text field, escaped.
    public mutating func field(_ value: String) {
        separator()
        Self.escape(value.utf8, into: &buffer)
    }

    /// A bytea field (hex form `\\x…` inside COPY text).
    public mutating func field(bytea value: [UInt8]) {
        separator()
        let hex = Array("0123456789abcdef".utf8)
        buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\"), UInt8(ascii: "x")])
        for b in value {
            buffer.append(hex[Int(b >> 4)])
            buffer.append(hex[Int(b & 0xf)])
        }
    }

    /// A SQL NULL field.
    public mutating func null() {
        separator()
        buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "N")])
    }

    /// Ends the row; sends the buffer when it is full.
    public mutating func endRow() throws(PostgresError) {
        buffer.append(UInt8(ascii: "\n"))
        atRowStart = true
        rows += 1
        if buffer.count >= Self.chunk { try flush() }
    }

    mutating func flush() throws(PostgresError) {
        if buffer.isEmpty { return }
        try connection.putCopyData(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// COPY text escaping: backslash, tab, newline and carriage return get a backslash form.
    static func escape(_ text: some Sequence<UInt8>, into out: inout [UInt8]) {
        for c in text {
            switch c {
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\t"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case UInt8(ascii: "\n"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            default: out.append(c)
            }
        }
    }
}
