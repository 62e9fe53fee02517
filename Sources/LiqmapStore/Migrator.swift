import LiqmapPostgres
import Logging

/// Applies ``Migrations/all`` to a database: versioned, idempotent (applied versions are skipped),
/// and safe from several processes at once (a session advisory lock serializes migrators; the
/// second one finds everything applied). Each migration runs in its own transaction with the row
/// that records it, so a crash leaves a migration either fully applied or not at all.
public struct Migrator: Sendable {
    /// The advisory lock key all migrators share ("liqmapMG").
    public static let lockKey: Int64 = 0x6C69_716D_6170_4D47

    /// What a run did.
    public struct Report: Sendable, Hashable {
        public var applied: [Int]
        public var alreadyApplied: [Int]
    }

    /// A database that does not fit this build.
    public struct MismatchError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public let migrations: [Migration]
    public let logger: Logger

    public init(migrations: [Migration] = Migrations.all, logger: Logger = Logger(label: "liqmap.migrate")) {
        precondition(zip(migrations, migrations.dropFirst()).allSatisfy { $0.version < $1.version }, "migrations out of order")
        self.migrations = migrations
        self.logger = logger
    }

    /// Brings the schema up to date; returns which versions it applied.
    public func migrate(_ client: PostgresClient) async throws -> Report {
        let migrations = self.migrations
        let logger = self.logger
        return try await client.withConnection { conn in
            try conn.advisoryLock(Self.lockKey)
            defer { _ = try? conn.advisoryUnlock(Self.lockKey) }
            try conn.runScript("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer PRIMARY KEY,
                    name       text NOT NULL,
                    checksum   text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """)
            var applied: [Int: String] = [:]
            for row in try conn.query("SELECT version, checksum FROM schema_migrations").rows {
                applied[try row.decode(Int.self, at: 0)] = try row.decode(String.self, at: 1)
            }
            let known = Set(migrations.map(\.version))
            if let unknown = applied.keys.filter({ !known.contains($0) }).max() {
                throw MismatchError(description: "the database has migration \(unknown), which this build does not know: it is newer than this build")
            }
            var report = Report(applied: [], alreadyApplied: [])
            for m in migrations {
                if let checksum = applied[m.version] {
                    guard checksum == m.checksum else {
                        throw MismatchError(description: "migration \(m.version) (\(m.name)) changed after it was applied (checksum \(checksum) in the database, \(m.checksum) in this build)")
                    }
                    report.alreadyApplied.append(m.version)
                    continue
                }
                try conn.transaction { conn in
                    try conn.runScript(m.sql)
                    try conn.query("INSERT INTO schema_migrations (version, name, checksum) VALUES (\(m.version), \(m.name), \(m.checksum))")
                }
                logger.info("applied migration", metadata: ["migration.version": "\(m.version)", "migration.name": "\(m.name)"])
                report.applied.append(m.version)
            }
            return report
        }
    }
}
