import LiqmapGateway
import Testing

@Suite("API key tokens")
struct ApiKeyTokenTests {
    /// A generator that counts, so keys are predictable.
    struct Counting: RandomNumberGenerator {
        var n: UInt64 = 0
        mutating func next() -> UInt64 {
            n += 1
            return n &* 0x0123_4567_89ab_cdef
        }
    }

    @Test("a key is lqk_ and 64 lowercase hex digits, shown by its 12-character prefix only")
    func form() throws {
        let key = ApiKeyToken.generate()
        #expect(key.text.count == 68 && key.text.hasPrefix("lqk_"))
        #expect(ApiKeyToken.isWellFormed(key.text))
        #expect(key.prefix == String(key.text.prefix(12)))
        #expect("\(key)" == key.prefix + "…" && !"\(key)".contains(key.text))
        #expect(key.sha256 == SHA256.hash(key.text))
    }

    @Test("keys from the system generator differ; a given generator gives its keys")
    func randomness() {
        let keys = Set((0..<200).map { _ in ApiKeyToken.generate().text })
        #expect(keys.count == 200)
        var a = Counting(), b = Counting()
        #expect(ApiKeyToken.generate(using: &a) == ApiKeyToken.generate(using: &b))
        var c = Counting()
        #expect(ApiKeyToken.generate(using: &c).text == "lqk_0123456789abcdef02468acf13579bde0369d0369d0369cd048d159e26af37bc")
    }

    @Test("malformed keys are refused before any lookup", arguments: [
        "", "lqk_", "lqk_abc", "LQK_" + String(repeating: "a", count: 64), "lqk_" + String(repeating: "A", count: 64),
        "lqk_" + String(repeating: "g", count: 64), "lqk_" + String(repeating: "a", count: 63), "lqk_" + String(repeating: "a", count: 65),
        "xyz_" + String(repeating: "a", count: 64), " lqk_" + String(repeating: "a", count: 63),
    ])
    func malformed(_ text: String) {
        #expect(ApiKeyToken(text) == nil)
    }

    @Test("a well-formed key is accepted as it is")
    func wellFormed() {
        let text = "lqk_" + String(repeating: "0123456789abcdef", count: 4)
        #expect(ApiKeyToken(text)?.text == text)
    }
}
