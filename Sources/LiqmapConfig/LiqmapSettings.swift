import Configuration
import SystemPackage

/// Every setting a `liqmap` process reads, resolved from (highest first) command-line flags, then
/// `LIQMAP_*` environment variables, then the config file (`--config` / `LIQMAP_CONFIG`), then the
/// built-in defaults, which equal `Config/liqmap.json`.
///
/// - Configuration keys (file path → environment variable):
///   - `redis.url` → `LIQMAP_REDIS_URL` (string, default `redis://127.0.0.1:6379`): `redis://[:password@]host[:port][/db]`
///     for one server, `redis-cluster://[:password@]host:port[,host:port…]` for a Redis Cluster (seed nodes)
///   - `postgres.url` → `LIQMAP_POSTGRES_URL` (string, libpq conninfo or URL, default `postgresql://127.0.0.1:5432/liqmap`)
///   - `postgres.read_url` → `LIQMAP_POSTGRES_READ_URL` (string, optional): where the gateway's read pool connects
///     (a read replica); unset or empty: `postgres.url`
///   - `cluster.shards` → `LIQMAP_CLUSTER_SHARDS` (int ≥ 1, default 2): aggregator shard count
///   - `streams.max_length` → `LIQMAP_STREAMS_MAX_LENGTH` (int ≥ 1000, default 1000000): approximate cap per shard stream
///   - `log.level` → `LIQMAP_LOG_LEVEL` (trace|debug|info|notice|warning|error|critical, default info)
///   - `gateway.auth` → `LIQMAP_GATEWAY_AUTH` (none|required, default none): whether the gateway's `/v1` needs an API key
///   - `retention.realized_days` → `LIQMAP_RETENTION_REALIZED_DAYS` (int ≥ 0, default 0 = for ever): how long realized
///     liquidation rows are kept (partition maintenance drops whole months older than this)
public struct LiqmapSettings: Sendable, Hashable {
    public var redisURL: String
    public var postgresURL: String
    /// The gateway's read pool (a replica), or nil for `postgresURL`.
    public var postgresReadURL: String?
    public var shards: Int
    public var streamMaxLength: Int
    public var logLevel: String
    /// `none` or `required`.
    public var gatewayAuth: String
    /// Days realized liquidation rows are kept; 0: for ever.
    public var realizedRetentionDays: Int

    /// The built-in defaults (kept equal to `Config/liqmap.json` by a test).
    public static let defaults = LiqmapSettings(
        redisURL: "redis://127.0.0.1:6379", postgresURL: "postgresql://127.0.0.1:5432/liqmap",
        shards: 2, streamMaxLength: 1_000_000, logLevel: "info", gatewayAuth: "none")

    public init(redisURL: String, postgresURL: String, postgresReadURL: String? = nil, shards: Int, streamMaxLength: Int, logLevel: String,
                gatewayAuth: String = "none", realizedRetentionDays: Int = 0) {
        self.redisURL = redisURL
        self.postgresURL = postgresURL
        self.postgresReadURL = postgresReadURL
        self.shards = shards
        self.streamMaxLength = streamMaxLength
        self.logLevel = logLevel
        self.gatewayAuth = gatewayAuth
        self.realizedRetentionDays = realizedRetentionDays
    }

    /// A setting that is present but unusable.
    public struct InvalidSetting: Error, Sendable, CustomStringConvertible {
        public let key: String
        public let reason: String
        public var description: String { "invalid setting '\(key)': \(reason)" }
    }

    static let logLevels: Set<String> = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
    static let gatewayAuthModes: Set<String> = ["none", "required"]

    /// Reads the settings from a reader (keys as documented on the type) and checks them.
    public init(reader: ConfigReader) throws {
        let d = Self.defaults
        redisURL = reader.string(forKey: "redis.url", default: d.redisURL)
        postgresURL = reader.string(forKey: "postgres.url", isSecret: true, default: d.postgresURL)
        postgresReadURL = reader.string(forKey: "postgres.read_url", isSecret: true).flatMap { $0.isEmpty ? nil : $0 }
        shards = reader.int(forKey: "cluster.shards", default: d.shards)
        streamMaxLength = reader.int(forKey: "streams.max_length", default: d.streamMaxLength)
        logLevel = reader.string(forKey: "log.level", default: d.logLevel)
        gatewayAuth = reader.string(forKey: "gateway.auth", default: d.gatewayAuth)
        realizedRetentionDays = reader.int(forKey: "retention.realized_days", default: d.realizedRetentionDays)
        guard redisURL.hasPrefix("redis://") || redisURL.hasPrefix("redis-cluster://") else {
            throw InvalidSetting(key: "redis.url", reason: "'\(redisURL)' is not a redis:// or redis-cluster:// URL")
        }
        guard shards >= 1 else { throw InvalidSetting(key: "cluster.shards", reason: "\(shards) is not ≥ 1") }
        guard streamMaxLength >= 1000 else { throw InvalidSetting(key: "streams.max_length", reason: "\(streamMaxLength) is not ≥ 1000") }
        guard Self.logLevels.contains(logLevel) else {
            throw InvalidSetting(key: "log.level", reason: "'\(logLevel)' is not one of \(Self.logLevels.sorted().joined(separator: ", "))")
        }
        guard Self.gatewayAuthModes.contains(gatewayAuth) else {
            throw InvalidSetting(key: "gateway.auth", reason: "'\(gatewayAuth)' is not none or required")
        }
        guard realizedRetentionDays >= 0 else {
            throw InvalidSetting(key: "retention.realized_days", reason: "\(realizedRetentionDays) is not ≥ 0 (0 keeps rows for ever)")
        }
    }

    /// Resolves the settings.
    /// - Parameters:
    ///   - flags: values given on the command line, by key (`["redis.url": "redis://…"]`).
    ///   - configFile: the file from `--config`; when nil, `LIQMAP_CONFIG` from `environment`; when
    ///     neither, only the built-in defaults sit under the environment.
    ///   - environment: the process environment (injectable for tests).
    public static func load(flags: [String: String] = [:], configFile: String? = nil,
                            environment: [String: String]) async throws -> LiqmapSettings
    {
        var providers: [any ConfigProvider] = []
        var flagValues: [AbsoluteConfigKey: ConfigValue] = [:]
        for (key, value) in flags {
            flagValues[AbsoluteConfigKey(key.split(separator: ".").map(String.init))] = ConfigValue(.string(value), isSecret: false)
        }
        providers.append(InMemoryProvider(name: "flags", values: flagValues))
        providers.append(KeyMappingProvider(upstream: EnvironmentVariablesProvider(environmentVariables: environment)) { key in
            AbsoluteConfigKey(["liqmap"] + key.components, context: key.context)
        })
        if let path = configFile ?? environment["LIQMAP_CONFIG"], !path.isEmpty {
            providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(path)))
        }
        return try LiqmapSettings(reader: ConfigReader(providers: providers))
    }
}
