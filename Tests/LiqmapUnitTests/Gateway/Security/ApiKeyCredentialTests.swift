import LiqmapGateway
import Testing

@Suite("Where a request carries its API key")
struct ApiKeyCredentialTests {
    @Test("X-API-Key first, then Authorization: Bearer, then ?api_key=")
    func precedence() {
        #expect(ApiKeyCredential.presented(apiKeyHeader: "a", authorization: "Bearer b") { "c" } == "a")
        #expect(ApiKeyCredential.presented(apiKeyHeader: nil, authorization: "Bearer b") { "c" } == "b")
        #expect(ApiKeyCredential.presented(apiKeyHeader: nil, authorization: nil) { "c" } == "c")
        #expect(ApiKeyCredential.presented(apiKeyHeader: " ", authorization: nil) { nil } == nil)
        #expect(ApiKeyCredential.presented(apiKeyHeader: nil, authorization: nil) { "" } == nil)
    }

    @Test("the query is read only when no header has a key")
    func queryIsLazy() {
        var asked = false
        _ = ApiKeyCredential.presented(apiKeyHeader: "a", authorization: nil) {
            asked = true
            return nil
        }
        #expect(!asked)
    }

    @Test("Bearer tokens: case-insensitive scheme, trimmed; other schemes carry no key", arguments: [
        ("Bearer abc", "abc"), ("bearer abc", "abc"), ("BEARER  abc ", "abc"), ("Bearer", nil), ("Bearer ", nil),
        ("Basic dXNlcjpwYXNz", nil), ("Token abc", nil), ("Bearerabc", nil),
    ] as [(String, String?)])
    func bearer(_ header: String, _ token: String?) {
        #expect(ApiKeyCredential.bearer(header) == token)
    }

    @Test("only routes under /v1 are guarded; the pattern decides when there is one", arguments: [
        ("/v1/liquidations", "/v1/liquidations", true), (nil, "/v1/anything", true), (nil, "/v1", true),
        ("/healthz", "/healthz", false), ("/readyz", "/readyz", false), ("/metrics", "/metrics", false),
        ("/openapi.json", "/openapi.json", false), (nil, "/", false), (nil, "/v10", false), (nil, "/v1x/a", false),
        ("/v1/liquidations", "//v1/liquidations", true),
    ] as [(String?, String, Bool)])
    func guarded(_ route: String?, _ path: String, _ expected: Bool) {
        #expect(AuthMiddleware<GatewayRequestContext>.isGuarded(route: route, path: path) == expected)
    }
}
