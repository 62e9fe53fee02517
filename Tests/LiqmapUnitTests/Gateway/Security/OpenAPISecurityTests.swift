import Foundation
import LiqmapGateway
import Testing

@Suite("OpenAPI: security schemes and the 401/429 answers")
struct OpenAPISecurityTests {
    @Test("the document names the key schemes and lists 401 and 429 on every /v1 route")
    func security() throws {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
        let components = try #require(document["components"] as? [String: Any])
        let schemes = try #require(components["securitySchemes"] as? [String: [String: Any]])
        #expect(schemes["ApiKeyHeader"]?["type"] as? String == "apiKey" && schemes["ApiKeyHeader"]?["in"] as? String == "header")
        #expect(schemes["ApiKeyHeader"]?["name"] as? String == "X-API-Key")
        #expect(schemes["BearerAuth"]?["type"] as? String == "http" && schemes["BearerAuth"]?["scheme"] as? String == "bearer")
        #expect(schemes["ApiKeyQuery"]?["in"] as? String == "query" && schemes["ApiKeyQuery"]?["name"] as? String == "api_key")
        let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
        let v1 = paths.filter { $0.key.hasPrefix("/v1/") }
        #expect(v1.count >= 1)
        for (path, operations) in v1 {
            let get = try #require(operations["get"], "\(path)")
            let responses = try #require(get["responses"] as? [String: [String: Any]], "\(path)")
            #expect(responses["401"]?["$ref"] as? String == "#/components/responses/Unauthorized", "\(path)")
            #expect(responses["429"]?["$ref"] as? String == "#/components/responses/RateLimited", "\(path)")
            let security = try #require(get["security"] as? [[String: Any]], "\(path)")
            #expect(security.count == 4 && security.contains { $0.isEmpty }, "\(path): keys are optional unless --auth required")
        }
        let rateLimited = try #require((components["responses"] as? [String: [String: Any]])?["RateLimited"])
        #expect((rateLimited["headers"] as? [String: Any])?["Retry-After"] != nil)
    }
}
