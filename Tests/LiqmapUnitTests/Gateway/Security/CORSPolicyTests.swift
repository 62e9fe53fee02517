import HTTPTypes
import LiqmapGateway
import Testing

@Suite("CORS policy")
struct CORSPolicyTests {
    @Test("origins are scheme://host[:port] exactly", arguments: [
        ("https://a.example", true), ("http://localhost:3000", true), ("http://127.0.0.1:8080", true), ("http://[::1]:8080", true),
        ("https://a.example/", false), ("https://a.example/path", false), ("*", false), ("a.example", false),
        ("https://A.example", false), ("ftp://a.example", false), ("https://a.example:0", false), ("https://a.example:99999", false),
        ("https://", false), ("https://a.example:", false), ("null", false),
    ])
    func origins(_ origin: String, _ valid: Bool) {
        #expect(CORSPolicy.isOrigin(origin) == valid)
        #expect(((try? CORSPolicy(origins: [origin])) != nil) == valid)
    }

    @Test("only configured origins are allowed; closed allows none")
    func allows() throws {
        let policy = try CORSPolicy(origins: ["https://a.example", "http://localhost:3000"])
        #expect(policy.allows("https://a.example"))
        #expect(policy.allows("http://localhost:3000"))
        #expect(!policy.allows("https://b.example"))
        #expect(!policy.allows("https://a.example.evil"))
        #expect(!policy.allows(nil))
        #expect(!CORSPolicy.closed.allows("https://a.example"))
        #expect(CORSPolicy.closed.origins.isEmpty)
    }

    @Test("the headers name the one origin asked for, never a wildcard")
    func headers() {
        let plain = CORSPolicy.responseHeaders(origin: "https://a.example")
        #expect(plain[.accessControlAllowOrigin] == "https://a.example")
        #expect(plain[.accessControlExposeHeaders] == "Retry-After")
        let preflight = CORSPolicy.preflightHeaders(origin: "https://a.example")
        #expect(preflight[.accessControlAllowOrigin] == "https://a.example")
        #expect(preflight[.accessControlAllowHeaders]?.contains("X-API-Key") == true)
        #expect(preflight[.accessControlAllowMethods] == "GET, OPTIONS")
    }
}
