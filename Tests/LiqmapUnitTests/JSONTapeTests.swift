import Foundation
import LiqmapCore
import Testing

/// The frame reader the parsers use (`JSONNode` over a token tape) and its number decoding.
@Suite("JSON tape and decimal text")
struct JSONTapeTests {
    struct Failed: Error { let reason: String }

    static func read<R>(_ text: String, _ body: (JSONNode) throws(Failed) -> R) throws -> R {
        try JSONNode.read(text, onError: { Failed(reason: $0.description) }, body)
    }

    @Test("member lookup, escaped keys and values, nesting, arrays")
    func lookup() throws {
        let text = #"{"a":1,"b":{"c":[1,"x",{"d":null}],"e\"q":"\u00e9\n"},"n":-0.5e2,"t":true,"f":false,"a":2}"#
        try Self.read(text) { root throws(Failed) in
            #expect(root.isObject)
            #expect(root["a"]?.int64 == 1)  // the first of a repeated key
            #expect(root["n"]?.double == -50)
            #expect(root["t"]?.bool == true && root["f"]?.bool == false)
            #expect(root["missing"] == nil && root["b"]?["zzz"] == nil && root["a"]?["c"] == nil)
            let c = root["b"]?["c"]
            #expect(c?.array.map { Array($0).count } == 3)
            #expect(c?.array?.first?.int64 == 1)
            #expect(Array(c!.array!)[1].isString("x"))
            #expect(Array(c!.array!)[2]["d"]?.isNull == true)
            #expect(root["b"]?["e\"q"]?.string == "é\n")
            #expect(root["b"]?.members.map { $0.key.string } == ["c", "e\"q"])
            #expect(root.json == (try? JSON.parse(text)))
        }
    }

    @Test("documents beyond the 64-token stack tape are read whole")
    func bigDocuments() throws {
        let items = (0..<5000).map { #"{"i":\#($0),"s":"v\#($0)"}"# }.joined(separator: ",")
        let sum = try Self.read("[\(items)]") { root throws(Failed) in
            root.array!.reduce(Int64(0)) { $0 + ($1["i"]?.int64 ?? -1_000_000) }
        }
        #expect(sum == (0..<5000).reduce(0, +))
        // Worst case for the tape: the shortest tokens.
        let ones = "[" + Array(repeating: "1", count: 20_001).joined(separator: ",") + "]"
        #expect(try Self.read(ones) { root throws(Failed) in Array(root.array!).count } == 20_001)
    }

    @Test("malformed documents are refused through onError, whatever their size")
    func refused() {
        for text in ["", "{", "[1,]", #"{"a" 1}"#, "[" + String(repeating: "1,", count: 500) + "x]", "\"\u{01}\"", "[1] 2"] {
            #expect(throws: Failed.self) { try Self.read(text) { _ throws(Failed) in 0 } }
        }
    }

    @Test("decimal text equals Double(String) on exchange-shaped and awkward numbers")
    func decimals() {
        var samples = ["0", "-0", "1", "0.1", "0.014", "29750.00000000", "1e-05", "5.2E-4", "1E+2", "123456789012345678",
                       "9007199254740993", "0.30000000000000004", "1e23", "1e-30", "99999999999999999999", "2.5e308", "4.9e-324",
                       "0.0000000000000000000000123", "17976931348623157e292", "00012.50", "1.", ".5", "+1", "1e", "-", "", "abc",
                       "0x10", "inf", "nan", " 1"]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let whole = UInt64.random(in: 0...10_000_000, using: &rng)
            let places = Int.random(in: 0...10, using: &rng)
            let frac = UInt64.random(in: 0...9_999_999_999, using: &rng)
            var s = "\(whole)"
            if places > 0 { s += "." + String(String(frac).prefix(places)) }
            samples.append(Bool.random(using: &rng) ? "-" + s : s)
        }
        for s in samples {
            let ours = s.utf8.withContiguousStorageIfAvailable { DecimalText.double($0) } ?? nil
            let reference = Double(s)
            #expect(ours?.bitPattern == reference?.bitPattern, "\(s): \(String(describing: ours)) vs \(String(describing: reference))")
        }
    }

    @Test("whole numbers: digits directly, the rest as before")
    func wholeNumbers() {
        let cases: [(String, Int64?)] = [("0", 0), ("-12", -12), ("1626912000000", 1_626_912_000_000), ("123456789012345678", 123_456_789_012_345_678),
                                         ("9223372036854775807", .max), ("1.5", nil), ("1e3", 1000), ("", nil), ("x", nil), ("+7", 7)]
        for (text, expected) in cases {
            #expect((text.utf8.withContiguousStorageIfAvailable { DecimalText.int64($0) } ?? nil) == expected, "\(text)")
        }
    }
}
