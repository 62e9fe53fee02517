import LiqmapConfig
import Testing

@Suite("Settings: the gateway's read URL and the realized rows' retention")
struct SettingsReplicaRetentionTests {
    @Test("postgres.read_url: unset by default, from LIQMAP_POSTGRES_READ_URL or a flag (flag first); empty means unset")
    func readURL() async throws {
        #expect(LiqmapSettings.defaults.postgresReadURL == nil)
        #expect(try await LiqmapSettings.load(environment: [:]).postgresReadURL == nil)
        let env = ["LIQMAP_POSTGRES_READ_URL": "postgresql://replica/db", "LIQMAP_POSTGRES_URL": "postgresql://primary/db"]
        let fromEnv = try await LiqmapSettings.load(environment: env)
        #expect(fromEnv.postgresReadURL == "postgresql://replica/db" && fromEnv.postgresURL == "postgresql://primary/db")
        let fromFlag = try await LiqmapSettings.load(flags: ["postgres.read_url": "host=r2 dbname=db"], environment: env)
        #expect(fromFlag.postgresReadURL == "host=r2 dbname=db")
        #expect(try await LiqmapSettings.load(environment: ["LIQMAP_POSTGRES_READ_URL": ""]).postgresReadURL == nil)
    }

    @Test("retention.realized_days: 0 (for ever) by default, from LIQMAP_RETENTION_REALIZED_DAYS; negative refused")
    func realizedDays() async throws {
        #expect(LiqmapSettings.defaults.realizedRetentionDays == 0)
        #expect(try await LiqmapSettings.load(environment: ["LIQMAP_RETENTION_REALIZED_DAYS": "400"]).realizedRetentionDays == 400)
        await #expect(throws: LiqmapSettings.InvalidSetting.self) {
            try await LiqmapSettings.load(environment: ["LIQMAP_RETENTION_REALIZED_DAYS": "-1"])
        }
    }
}
