import ArgumentParser
import LiqmapConfig
import LiqmapPostgres
import LiqmapStore
import Logging

/// `liqmap migrate`: creates or upgrades the schema; safe to run twice and from two processes.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Create or upgrade the PostgreSQL schema (idempotent).")
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let settings = try await connection.settings()
        let logger = makeLogger("liqmap.migrate", settings: settings)
        let client = PostgresClient(conninfo: settings.postgresURL, settings: ["application_name": "liqmap-migrate"])
        let report = try await Migrator(logger: logger).migrate(client)
        let latest = Migrations.all.last?.version ?? 0
        print("schema at version \(latest): applied \(report.applied.count) migration(s) \(report.applied), \(report.alreadyApplied.count) already applied")
        switch try await ReaderRole.status(client) {
        case .ready: break
        case .missing:
            logger.warning("role liqmap_reader does not exist: this role may not create roles; an administrator can create it (docs/API.md, The read-only role) before the gateway uses --db-role liqmap_reader")
        case .notGranted:
            logger.warning("role liqmap_reader may not read this schema: grant it as in docs/API.md (The read-only role) before the gateway uses --db-role liqmap_reader")
        }
    }
}
