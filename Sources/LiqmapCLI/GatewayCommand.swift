import ArgumentParser
import Foundation
import LiqmapConfig
import LiqmapRegistry
import LiqmapGateway
import LiqmapObservability
import Logging
import ServiceLifecycle
import UnixSignals

/// `liqmap gateway`: the HTTP API (health, readiness, metrics, OpenAPI, `/v1/liquidations`).
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "gateway", abstract: "Serve the HTTP API.")
    @Option(help: "TCP port.") var port: Int = 8080
    @Option(help: "Address to bind.") var host: String = "127.0.0.1"
    @Option(help: "PostgreSQL sessions in the pool.") var poolSize: Int = 4
    @Option(help: "PostgreSQL statement timeout, ms.") var statementTimeout: Int = 2000
    @Option(help: "The base URL others reach this gateway at, registered for `liqmap status` (default http://<host or hostname>:<port>).") var advertiseURL: String?
    @Option(help: "Projection model parameters, JSON (default Config/model.json when present, else built-in): the leverage tiers of leverage=.") var model: String?
    @Option(name: .customLong("postgres-read"), help: "libpq conninfo or URL of a read replica for the read pool (env LIQMAP_POSTGRES_READ_URL; default: --postgres). LISTEN stays on --postgres.")
    var postgresReadURL: String?
    @OptionGroup var security: GatewaySecurityOptions
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        guard poolSize >= 1 else { throw ValidationError("--pool-size must be at least 1") }
        guard statementTimeout >= 1 else { throw ValidationError("--statement-timeout must be at least 1 ms") }
    }

    func run() async throws {
        let settings = try await connection.settings(extra: security.settingFlags.merging(postgresReadURL.map { ["postgres.read_url": $0] } ?? [:]) { $1 })
        let logger = makeLogger("liqmap.gateway", settings: settings)
        let securitySettings = try security.settings(auth: settings.gatewayAuth)
        let gateway = try Gateway(
            configuration: GatewayConfiguration(
                host: host, port: port, redisURL: settings.redisURL, postgresURL: settings.postgresURL, postgresReadURL: settings.postgresReadURL,
                poolSize: poolSize,
                session: SessionSettings(statementTimeoutMs: statementTimeout, role: security.dbRole), model: try ModelFiles.parameters(explicit: model),
                security: securitySettings),
            registry: Observability.bootstrap(), logger: logger)
        logger.info("gateway starting", metadata: ["address": "http://\(host):\(port)", "pool": "\(poolSize)",
                                                   "auth": "\(securitySettings.auth.rawValue)", "rate_limit": "\(security.rateLimitDescription)",
                                                   "cors_origins": "\(security.corsOrigins.count)", "db_role": "\(security.dbRole ?? "none")",
                                                   "read_pool": "\(settings.postgresReadURL == nil ? "primary" : "read replica")"])
        let advertised = advertiseURL ?? "http://\(["0.0.0.0", "::"].contains(host) ? ProcessInfo.processInfo.hostName : host):\(port)"
        let beat = RegistryBeats.gateway(url: advertised, redisURL: settings.redisURL, logger: logger)
        let group = ServiceGroup(services: gateway.services() + [beat], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }
}
