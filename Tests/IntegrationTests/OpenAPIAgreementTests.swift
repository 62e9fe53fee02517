import Foundation
import Hummingbird
import HummingbirdTesting
import LiqmapGateway
import Testing

/// The server and Protocols/openapi.json agree: the same routes, the same query parameters, and the
/// server refuses what the document does not list (tested through the router, no database needed:
/// a closed PostgreSQL port makes valid requests answer 503, never 404 or "unknown parameter").
@Suite("Gateway: the OpenAPI document and the server agree", .timeLimit(.minutes(2)))
struct OpenAPIAgreementTests {
    static func document() throws -> [String: [String: Any]] {
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
        return try #require(doc["paths"] as? [String: [String: Any]])
    }

    static func queryParameters(_ operation: [String: Any]) -> [(name: String, required: Bool)] {
        ((operation["parameters"] as? [[String: Any]]) ?? []).filter { $0["in"] as? String == "query" }.map {
            ($0["name"] as! String, ($0["required"] as? Bool) ?? false)
        }
    }

    @Test("every documented route has exactly the query parameters the server accepts, and vice versa")
    func sameParameters() throws {
        let paths = try Self.document()
        #expect(Set(paths.keys) == Set(QueryCheck.parameters.keys))
        for (path, item) in paths {
            let get = try #require(item["get"] as? [String: Any], "\(path) has a GET")
            #expect(Set(Self.queryParameters(get).map(\.name)) == Set(QueryCheck.parameters[path] ?? []), "\(path)")
        }
    }

    static func example(_ path: String) -> String {
        path.replacingOccurrences(of: "{asset}", with: "BTC").replacingOccurrences(of: "{venue}", with: "okx")
            .replacingOccurrences(of: "{layer}", with: "realized").replacingOccurrences(of: "{resolution}", with: "1h")
            .replacingOccurrences(of: "{tile}", with: "7000")
    }

    @Test("through the router: each route exists, knows each documented parameter, and refuses undocumented ones")
    func behaviour() async throws {
        let gateway = try GatewayTests.gateway(schema: nil, postgresURL: GatewayTests.closedPostgres)
        let routes = try Self.document().sorted { $0.key < $1.key }.map { path, item in
            let parameters = Self.queryParameters(item["get"] as! [String: Any])
            return (path: path, required: parameters.filter(\.required).map(\.name), optional: parameters.filter { !$0.required }.map(\.name))
        }
        try await gateway.application().test(.router) { client in
            for (path, required, optional) in routes {
                let base = Self.example(path) + "?" + required.map { "\($0)=\($0 == "asset" ? "BTC" : "1")" }.joined(separator: "&")
                for name in optional {
                    try await client.execute(uri: base + "&\(name)=zz", method: .get) { response in
                        let body = String(buffer: response.body)
                        #expect(response.status.code != 404 && response.status.code < 500 || response.status.code == 503, "\(path) \(name): \(response.status.code)")
                        #expect(!body.contains("unknown parameter"), "\(path) does not know \(name): \(body)")
                    }
                }
                try await client.execute(uri: base + "&bogus=1", method: .get) { response in
                    #expect(response.status.code == 400 && String(buffer: response.body).contains("unknown parameter 'bogus'"), "\(path)")
                }
                try await client.execute(uri: base + "&asset=ETH", method: .get) { response in
                    #expect(response.status.code == 400, "\(path): a repeated parameter is refused")
                }
            }
        }
    }
}
