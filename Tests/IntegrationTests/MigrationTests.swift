import LiqmapPostgres
import LiqmapStore
import LiqmapTesting
import Testing

@Suite("Migrations against a real server")
struct MigrationTests {
    @Test("migrate creates the schema and is a no-op the second time")
    func twice() async throws {
        let schema = try await TestServers.schema()
        let pg = schema.client()
        let first = try await Migrator().migrate(pg)
        #expect(first.applied == Migrations.all.map(\.version))
        #expect(first.alreadyApplied.isEmpty)
        let second = try await Migrator().migrate(pg)
        #expect(second.applied.isEmpty)
        #expect(second.alreadyApplied == Migrations.all.map(\.version))
        #expect(try await pg.query("SELECT count(*) FROM shard_progress").scalar(Int.self) == 0)
        #expect(try await pg.query("SELECT value FROM cluster_info WHERE key = \("stream_encoding")").scalar(String.self) == "1")
        try await schema.drop()
    }

    @Test("two migrators at once: each migration applied exactly once")
    func concurrent() async throws {
        let schema = try await TestServers.schema()
        let reports = try await withThrowingTaskGroup(of: Migrator.Report.self) { group in
            for _ in 0..<4 { group.addTask { try await Migrator().migrate(schema.client()) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(reports.flatMap(\.applied).sorted() == Migrations.all.map(\.version))
        #expect(try await schema.client().query("SELECT count(*) FROM schema_migrations").scalar(Int.self) == Migrations.all.count)
        try await schema.drop()
    }

    @Test("a released migration whose text changed is refused; so is a newer database")
    func mismatch() async throws {
        let schema = try await TestServers.schema()
        let pg = schema.client()
        _ = try await Migrator().migrate(pg)
        let edited = Migration(version: 1, name: "foundation", sql: "CREATE TABLE something_else (n int)")
        await #expect(throws: Migrator.MismatchError.self) { try await Migrator(migrations: [edited]).migrate(pg) }
        let older = Migrator(migrations: [])
        await #expect(throws: Migrator.MismatchError.self) { try await older.migrate(pg) }
        try await schema.drop()
    }

    @Test("a failing migration leaves no trace")
    func failing() async throws {
        let schema = try await TestServers.schema()
        let pg = schema.client()
        let bad = [
            Migrations.all[0],
            Migration(version: 2, name: "broken", sql: "CREATE TABLE half (n int); SELECT no_such_function();"),
        ]
        await #expect(throws: PostgresError.self) { try await Migrator(migrations: bad).migrate(pg) }
        #expect(try await pg.query("SELECT count(*) FROM schema_migrations").scalar(Int.self) == 1)
        #expect(try await pg.query("SELECT to_regclass(\("half"))::text").rows.first?.decodeIfPresent(String.self, at: 0) == nil)
        try await schema.drop()
    }
}
