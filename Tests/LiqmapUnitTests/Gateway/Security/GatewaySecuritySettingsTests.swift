import ArgumentParser
import LiqmapConfig
import LiqmapGateway
@testable import LiqmapCLI
import Testing

@Suite("Gateway security settings and flags")
struct GatewaySecuritySettingsTests {
    @Test("a database role goes into the session options; only plain identifiers are roles")
    func role() {
        #expect(SessionSettings().options == "-c default_transaction_read_only=on -c statement_timeout=2000")
        #expect(SessionSettings(searchPath: "s", role: "liqmap_reader").options
            == "-c default_transaction_read_only=on -c statement_timeout=2000 -c search_path=s -c role=liqmap_reader")
        #expect(SessionSettings.isRoleName("liqmap_reader") && SessionSettings.isRoleName("_r2"))
        for bad in ["", "Reader", "a b", "a -c x=y", "2r", String(repeating: "a", count: 64), "r;"] {
            #expect(!SessionSettings.isRoleName(bad), "\(bad)")
        }
    }

    @Test("gateway.auth: default none, LIQMAP_GATEWAY_AUTH and the flag set it, other values are refused")
    func authSetting() async throws {
        #expect(try await LiqmapSettings.load(environment: [:]).gatewayAuth == "none")
        #expect(try await LiqmapSettings.load(environment: ["LIQMAP_GATEWAY_AUTH": "required"]).gatewayAuth == "required")
        #expect(try await LiqmapSettings.load(flags: ["gateway.auth": "none"], environment: ["LIQMAP_GATEWAY_AUTH": "required"]).gatewayAuth == "none")
        await #expect(throws: LiqmapSettings.InvalidSetting.self) { try await LiqmapSettings.load(environment: ["LIQMAP_GATEWAY_AUTH": "on"]) }
    }

    @Test("the defaults: in process everything off; liqmap gateway: auth off, 50/s burst 100 per client, no CORS, 10 s key cache")
    func defaults() throws {
        let settings = SecuritySettings()
        #expect(settings.auth == .none && settings.keyCacheSeconds == 10)
        #expect(settings.perClientLimit == nil, "tests and in-process benchmarks are not limited unless they ask")
        #expect(settings.cors.origins.isEmpty)
        let command = try #require(try LiqmapCommand.parseAsRoot(["gateway"]) as? GatewayCommand)
        let cli = try command.security.settings(auth: "none")
        #expect(cli.auth == .none && cli.keyCacheSeconds == 10 && cli.cors.origins.isEmpty)
        #expect(cli.perClientLimit == RateLimit(rate: 50, burst: 100))
        #expect(command.security.dbRole == nil)
    }

    @Test("the gateway's security flags parse into settings; --rate-limit 0 switches the limiter off")
    func flags() throws {
        let parsed = try #require(try LiqmapCommand.parseAsRoot([
            "gateway", "--auth", "required", "--auth-cache-ttl", "0", "--rate-limit", "0", "--cors-origin", "https://a.example",
            "--cors-origin", "http://localhost:3000", "--db-role", "liqmap_reader",
        ]) as? GatewayCommand)
        #expect(parsed.security.settingFlags == ["gateway.auth": "required"])
        let settings = try parsed.security.settings(auth: "required")
        #expect(settings.auth == .required && settings.keyCacheSeconds == 0 && settings.perClientLimit == nil)
        #expect(settings.cors.origins == ["https://a.example", "http://localhost:3000"])
        #expect(parsed.security.dbRole == "liqmap_reader")
        let plain = try #require(try LiqmapCommand.parseAsRoot(["gateway", "--rate-limit", "5", "--burst", "7"]) as? GatewayCommand)
        #expect(plain.security.settingFlags.isEmpty)
        #expect(try plain.security.settings(auth: "none").perClientLimit == RateLimit(rate: 5, burst: 7))
    }

    @Test("bad security flags are refused", arguments: [
        ["gateway", "--auth", "maybe"], ["gateway", "--rate-limit", "-1"], ["gateway", "--burst", "0"],
        ["gateway", "--cors-origin", "*"], ["gateway", "--cors-origin", "https://a.example/"], ["gateway", "--db-role", "x -c role=postgres"],
        ["gateway", "--auth-cache-ttl", "-1"], ["keys", "create"], ["keys", "create", "--name", "x", "--rate", "0"],
        ["keys", "create", "--name", "x", "--burst", "0"], ["keys", "revoke"], ["keys", "revoke", "x"],
    ])
    func refused(_ arguments: [String]) {
        #expect(throws: (any Error).self) { _ = try LiqmapCommand.parseAsRoot(arguments) }
    }

    @Test("the keys commands parse", arguments: [
        ["keys", "create", "--name", "web", "--rate", "20", "--burst", "40"], ["keys", "list"], ["keys", "list", "--json"],
        ["keys", "revoke", "3", "--postgres", "postgresql://h/db"],
    ])
    func keysParse(_ arguments: [String]) throws {
        _ = try LiqmapCommand.parseAsRoot(arguments)
    }

    @Test("keys list output: a table or JSON, with prefixes and never a key")
    func keysOutput() {
        let records = [
            ApiKeyStore.Record(id: 1, name: "web \"app\"", prefix: "lqk_0123abcd", limit: RateLimit(rate: 20, burst: 40),
                               createdAt: "2026-01-02T03:04:05Z", revokedAt: nil),
            ApiKeyStore.Record(id: 2, name: "bench", prefix: "lqk_ffff0000", limit: RateLimit(rate: 0.5, burst: 1),
                               createdAt: "2026-01-02T03:04:06Z", revokedAt: "2026-01-03T00:00:00Z"),
        ]
        let table = KeysOutput.table(records)
        #expect(table.hasPrefix("ID  NAME"))
        #expect(table.contains("lqk_0123abcd") && table.contains("0.5") && table.contains("2026-01-03T00:00:00Z"))
        #expect(KeysOutput.json(records) == #"[{"id":1,"name":"web \"app\"","prefix":"lqk_0123abcd","rate_per_second":20,"burst":40,"created_at":"2026-01-02T03:04:05Z","revoked_at":null},{"id":2,"name":"bench","prefix":"lqk_ffff0000","rate_per_second":0.5,"burst":1,"created_at":"2026-01-02T03:04:06Z","revoked_at":"2026-01-03T00:00:00Z"}]"#)
        #expect(KeysOutput.table([]).contains("(no API keys)"))
        #expect(KeysOutput.json([]) == "[]")
    }
}
