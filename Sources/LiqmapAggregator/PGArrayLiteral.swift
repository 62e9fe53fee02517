/// PostgreSQL array literals (`{"a","b"}`) for binding a whole column of values as one text
/// parameter (`unnest($1::text[])`), so a batch is one statement, not one per row. Values are
/// quoted and escaped, never spliced into SQL.
public enum PGArrayLiteral {
    /// `{"v1","v2",…}` with `"` and `\` escaped.
    public static func text(_ values: some Sequence<String>) -> String {
        var out = "{"
        var first = true
        for v in values {
            if !first { out += "," }
            first = false
            out += "\""
            for ch in v.unicodeScalars {
                if ch == "\"" || ch == "\\" { out += "\\" }
                out.unicodeScalars.append(ch)
            }
            out += "\""
        }
        return out + "}"
    }

    /// `{1,2,3}`.
    public static func integers(_ values: some Sequence<some BinaryInteger>) -> String {
        "{" + values.map { String($0) }.joined(separator: ",") + "}"
    }

    /// `{1.5,2}`, with Swift's shortest round-tripping form (finite values only).
    public static func doubles(_ values: some Sequence<Double>) -> String {
        "{" + values.map { v in precondition(v.isFinite, "non-finite value in a float8 array"); return "\(v)" }.joined(separator: ",") + "}"
    }

    /// `{"\\x0a0b",…}`: a `bytea[]` literal, each value in bytea's hex form.
    public static func bytea(_ values: some Sequence<[UInt8]>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [UInt8(ascii: "{")]
        var first = true
        for v in values {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out += Array(#""\\x"#.utf8)
            out.reserveCapacity(out.count + 2 * v.count + 2)
            for b in v {
                out.append(digits[Int(b >> 4)])
                out.append(digits[Int(b & 15)])
            }
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }
}
