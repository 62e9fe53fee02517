import Foundation

/// One bound parameter as libpq takes it: bytes (nil for SQL NULL), text or binary format, and a type
/// OID (0 lets the server infer the type from the statement).
public struct PGParameter: Sendable, Hashable {
    public var bytes: [UInt8]?
    public var isBinary: Bool
    public var oid: UInt32

    public init(bytes: [UInt8]?, isBinary: Bool = false, oid: UInt32 = 0) {
        self.bytes = bytes
        self.isBinary = isBinary
        self.oid = oid
    }

    public static let null = PGParameter(bytes: nil)
}

/// A Swift value that can be bound as a query parameter.
public protocol PGEncodable: Sendable {
    var pgParameter: PGParameter { get }
}

/// A Swift value that can be read from a text-format result cell.
public protocol PGDecodable {
    init(pgText bytes: [UInt8], oid: UInt32) throws(PostgresError)
}

/// Type OIDs this wrapper names explicitly (pg_type.dat).
public enum PGType {
    public static let bool: UInt32 = 16, bytea: UInt32 = 17, int8: UInt32 = 20, int2: UInt32 = 21, int4: UInt32 = 23
    public static let text: UInt32 = 25, float8: UInt32 = 701, numeric: UInt32 = 1700
}

extension String: PGEncodable, PGDecodable {
    public var pgParameter: PGParameter { PGParameter(bytes: Array(utf8)) }
    public init(pgText bytes: [UInt8], oid: UInt32) throws(PostgresError) {
        self = String(decoding: bytes, as: UTF8.self)
    }
}

extension Int64: PGEncodable, PGDecodable {
    public var pgParameter: PGParameter { PGParameter(bytes: Array(String(self).utf8), oid: PGType.int8) }
    public init(pgText bytes: [UInt8], oid: UInt32) throws(PostgresError) {
        self = try decodeInteger(bytes)
    }
}

extension Int: PGEncodable, PGDecodable {
    public var pgParameter: PGParameter { Int64(self).pgParameter }
    public init(pgText bytes: [UInt8], oid: UInt32) throws(PostgresError) { self = Int(try Int64(pgText: bytes, oid: oid)) }
}

extension Int32: PGEncodable, PGDecodable {
    public var pgParameter: PGParameter { PGParameter(bytes: Array(String(self).utf8), oid: PGType.int4) }
    public init(pgText bytes: [UInt8], oid: UInt32) throws(PostgresError) {
        self = try decodeInteger(bytes)
    }
}

extension Double: PGEncodable, PGDecodable {
    public var pgParameter: PGParameter { PGParameter(bytes: Array("\(self)".utf8), oid: PGType.float8) }
    public init(pgText bytes: [UInt8], oid: UInt32) throws(PostgresError) {
        let s = String(decoding: bytes, as: UTF8.self)
        switch s {
        case "NaN": self = .nan
        case "Infinity": self = .infinity
        case "-Infinity": self = -.infinity
        default:
            guard let v = Double(s) else { throw pgDecodingError(bytes, "Double") }
            self = v
        }
    }
}

extension Bool: PGEncodable, PGDecodable {
    public var pgParameter: PGParameter { PGParameter(bytes: Array((self ? "t" : "f").utf8), oid: PGType.bool) }
    public init(pgText bytes: [UInt8], oid: UInt32) throws(PostgresError) {
        switch String(decoding: bytes, as: UTF8.self) {
        case "t", "true": self = true
        case "f", "false": self = false
        default: throw pgDecodingError(bytes, "Bool")
        }
    }
}

extension Decimal: PGEncodable, PGDecodable {
    /// Bound as `numeric`, exactly (text form, no float on the way).
    public var pgParameter: PGParameter {
        PGParameter(bytes: Array(NSDecimalNumber(decimal: self).description(withLocale: Locale(identifier: "en_US_POSIX")).utf8),
                    oid: PGType.numeric)
    }
    public init(pgText bytes: [UInt8], oid: UInt32) throws(PostgresError) {
        guard let v = Decimal(string: String(decoding: bytes, as: UTF8.self), locale: Locale(identifier: "en_US_POSIX")) else {
            throw pgDecodingError(bytes, "Decimal")
        }
        self = v
    }
}

/// Raw bytes, bound and read as `bytea`.
public struct PGBytes: PGEncodable, PGDecodable, Hashable {
    public var bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public var pgParameter: PGParameter { PGParameter(bytes: bytes, isBinary: true, oid: PGType.bytea) }
    /// Reads bytea's text output (`\x` followed by hex digits).
    public init(pgText text: [UInt8], oid: UInt32) throws(PostgresError) {
        guard text.count >= 2, text[0] == UInt8(ascii: "\\"), text[1] == UInt8(ascii: "x"), text.count % 2 == 0 else {
            throw pgDecodingError(text, "bytea (hex)")
        }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity((text.count - 2) / 2)
        var i = 2
        while i < text.count {
            guard let hi = nibble(text[i]), let lo = nibble(text[i + 1]) else { throw pgDecodingError(text, "bytea (hex)") }
            out.append(hi << 4 | lo)
            i += 2
        }
        bytes = out
    }
}

extension Optional: PGEncodable where Wrapped: PGEncodable {
    public var pgParameter: PGParameter { self?.pgParameter ?? .null }
}

/// Reads a decimal integer cell as `T`, refusing text that is not one or does not fit.
func decodeInteger<T: FixedWidthInteger>(_ bytes: [UInt8]) throws(PostgresError) -> T {
    guard let v = T(String(decoding: bytes, as: UTF8.self)) else { throw pgDecodingError(bytes, "\(T.self)") }
    return v
}

func pgDecodingError(_ bytes: [UInt8], _ type: String) -> PostgresError {
    PostgresError(.decoding, "'\(String(decoding: bytes.prefix(64), as: UTF8.self))' is not a valid \(type)")
}
