import ArgumentParser
import Foundation
import LiqmapConfig
import Logging

/// The connection flags every command shares (contract: flags first, then environment).
struct ConnectionOptions: ParsableArguments {
    @Option(name: .customLong("redis"), help: """
        Redis URL: redis://[:password@]host[:port][/db] for one server, or redis-cluster://[:password@]host:port[,host:port…] \
        for a Redis Cluster (seed nodes; database 0 only) (env LIQMAP_REDIS_URL; default redis://127.0.0.1:6379).
        """)
    var redisURL: String?

    @Option(name: .customLong("postgres"), help: "libpq conninfo or URL (env LIQMAP_POSTGRES_URL; default postgresql://127.0.0.1:5432/liqmap).")
    var postgresURL: String?

    @Option(name: .customLong("config"), help: "Config file, JSON (env LIQMAP_CONFIG; default: built-in, as Config/liqmap.json).")
    var configFile: String?

    /// The resolved settings: flags, then environment, then the config file, then defaults.
    /// `extra` holds a command's own flags that are also settings (`["gateway.auth": "required"]`).
    func settings(extra: [String: String] = [:]) async throws -> LiqmapSettings {
        var flags = extra
        if let redisURL { flags["redis.url"] = redisURL }
        if let postgresURL { flags["postgres.url"] = postgresURL }
        do {
            return try await LiqmapSettings.load(flags: flags, configFile: configFile, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError("cannot load settings: \(error)")
        }
    }
}

/// A logger at the configured level, writing to stderr.
func makeLogger(_ label: String, settings: LiqmapSettings) -> Logger {
    var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = Logger.Level(rawValue: settings.logLevel) ?? .info
    return logger
}
