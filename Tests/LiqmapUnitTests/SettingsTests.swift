import Foundation
import LiqmapConfig
import LiqmapStore
import Testing

@Suite("Settings and migrations list")
struct SettingsTests {
    static let shipped = Repository.url("Config/liqmap.json").path

    @Test("the shipped Config/liqmap.json equals the built-in defaults")
    func shippedFile() async throws {
        #expect(try await LiqmapSettings.load(configFile: Self.shipped, environment: [:]) == .defaults)
        #expect(try await LiqmapSettings.load(environment: [:]) == .defaults)
    }

    @Test("flags beat the environment, which beats the file")
    func precedence() async throws {
        let env = ["LIQMAP_REDIS_URL": "redis://env:1", "LIQMAP_POSTGRES_URL": "postgresql://env/db", "LIQMAP_CLUSTER_SHARDS": "8",
                   "LIQMAP_CONFIG": Self.shipped]
        let fromEnv = try await LiqmapSettings.load(environment: env)
        #expect(fromEnv.redisURL == "redis://env:1" && fromEnv.postgresURL == "postgresql://env/db" && fromEnv.shards == 8)
        let fromFlags = try await LiqmapSettings.load(flags: ["redis.url": "redis://flag:2"], environment: env)
        #expect(fromFlags.redisURL == "redis://flag:2" && fromFlags.postgresURL == "postgresql://env/db")
    }

    @Test("a Redis Cluster URL is a valid redis.url, from flags, the environment and --redis")
    func clusterURL() async throws {
        let url = "redis-cluster://127.0.0.1:7001,127.0.0.1:7002"
        #expect(try await LiqmapSettings.load(environment: ["LIQMAP_REDIS_URL": url]).redisURL == url)
        #expect(try await LiqmapSettings.load(flags: ["redis.url": url], environment: [:]).redisURL == url)
        await #expect(throws: LiqmapSettings.InvalidSetting.self) {
            try await LiqmapSettings.load(environment: ["LIQMAP_REDIS_URL": "rediscluster://h:1"])
        }
    }

    @Test("a config file overrides defaults; a missing file is an error")
    func file() async throws {
        let path = NSTemporaryDirectory() + "liqmap-settings-\(UUID().uuidString).json"
        try Data(#"{"cluster":{"shards":5},"log":{"level":"debug"}}"#.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let s = try await LiqmapSettings.load(configFile: path, environment: [:])
        #expect(s.shards == 5 && s.logLevel == "debug" && s.redisURL == LiqmapSettings.defaults.redisURL)
        await #expect(throws: (any Error).self) { try await LiqmapSettings.load(configFile: path + ".missing", environment: [:]) }
    }

    @Test("bad values are refused with the key", arguments: [
        ["LIQMAP_CLUSTER_SHARDS": "0"], ["LIQMAP_REDIS_URL": "http://x"], ["LIQMAP_LOG_LEVEL": "loud"], ["LIQMAP_STREAMS_MAX_LENGTH": "10"],
    ])
    func badValues(_ env: [String: String]) async {
        await #expect(throws: LiqmapSettings.InvalidSetting.self) { try await LiqmapSettings.load(environment: env) }
    }

    @Test("migrations: ascending unique versions, stable checksums")
    func migrations() {
        let versions = Migrations.all.map(\.version)
        #expect(versions == Array(1...versions.count))
        #expect(Migrations.all.allSatisfy { $0.checksum.count == 16 })
        #expect(Migrations.all[0].checksum == Migrations.all[0].checksum)
    }
}
