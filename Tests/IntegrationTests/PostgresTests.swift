import Foundation
import LiqmapPostgres
import LiqmapTesting
import Testing

@Suite("PostgreSQL wrapper against a real server")
struct PostgresTests {
    @Test("parameters of every type round-trip, and a value is never SQL")
    func parameters() async throws {
        let schema = try await TestServers.schema()
        let pg = schema.client()
        try await pg.query("""
            CREATE TABLE v (i8 bigint, i4 int, f float8, s text, b bool, d numeric, raw bytea, maybe text)
            """)
        let nasty = "it's \"quoted\"; DROP TABLE v; -- ünïcødé \u{0}".replacingOccurrences(of: "\u{0}", with: "")
        let bytes: [UInt8] = [0, 1, 2, 255, 92, 39]
        let none: String? = nil
        try await pg.query("""
            INSERT INTO v VALUES (\(Int64.min), \(Int32.max), \(0.1), \(nasty), \(true), \(Decimal(string: "12345678901234567890.123456789")!),
                                  \(PGBytes(bytes)), \(none))
            """)
        let row = try #require(try await pg.query("SELECT * FROM v").rows.first)
        #expect(try row.decode(Int64.self, at: 0) == Int64.min)
        #expect(try row.decode(Int32.self, at: 1) == Int32.max)
        #expect(try row.decode(Double.self, at: 2) == 0.1)
        #expect(try row.decode(String.self, at: 3) == nasty)
        #expect(try row.decode(Bool.self, at: 4))
        #expect(try row.decode(Decimal.self, at: 5) == Decimal(string: "12345678901234567890.123456789")!)
        #expect(try row.decode(PGBytes.self, at: 6).bytes == bytes)
        #expect(try row.decodeIfPresent(String.self, at: 7) == nil)
        #expect(throws: PostgresError.self) { try row.decode(String.self, at: 7) }
        #expect(try row.decode(Int64.self, column: "i8") == Int64.min)
        #expect(try await pg.query("SELECT count(*) FROM v").scalar(Int.self) == 1, "the table survived the 'DROP TABLE' value")
        try await schema.drop()
    }

    @Test("server errors carry SQLSTATE and the server's message; the session goes on")
    func serverErrors() async throws {
        let schema = try await TestServers.schema()
        let pg = schema.client()
        try await pg.query("CREATE TABLE u (k int PRIMARY KEY)")
        try await pg.query("INSERT INTO u VALUES (\(1))")
        do {
            try await pg.query("INSERT INTO u VALUES (\(1))")
            Issue.record("a duplicate key must fail")
        } catch let error as PostgresError {
            #expect(error.kind == .server)
            #expect(error.sqlState == "23505")
            #expect(error.message.contains("duplicate key"))
            #expect(error.detail?.contains("(k)=(1)") == true)
        }
        do {
            try await pg.query("SELEC 1")
            Issue.record("bad syntax must fail")
        } catch let error as PostgresError {
            #expect(error.sqlState == "42601")
        }
        #expect(try await pg.query("SELECT 7").scalar(Int.self) == 7)
        #expect(await pg.generation == 1, "server errors do not cost the connection")
        try await schema.drop()
    }

    @Test("prepared statements")
    func prepared() async throws {
        let schema = try await TestServers.schema()
        let pg = schema.client()
        try await pg.query("CREATE TABLE p (k int, name text)")
        let total = try await pg.withConnection { conn in
            try conn.prepare("ins", "INSERT INTO p VALUES ($1, $2)")
            try conn.prepare("ins", "INSERT INTO p VALUES ($1, $2)")  // idempotent on one connection
            for k in 1...100 { try conn.execute(prepared: "ins", [Int32(k).pgParameter, "n\(k)".pgParameter]) }
            return try conn.query("SELECT sum(k) FROM p").scalar(Int.self)
        }
        #expect(total == 5050)
        await #expect(throws: PostgresError.self) {
            try await pg.withConnection { try $0.execute(prepared: "nope", []) }
        }
        try await schema.drop()
    }

    @Test("a transaction rolled back leaves nothing; a committed one keeps everything")
    func transactions() async throws {
        let schema = try await TestServers.schema()
        let pg = schema.client()
        try await pg.query("CREATE TABLE x (n int)")
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await pg.transaction { conn in
                for n in 1...3 { try conn.query("INSERT INTO x VALUES (\(n))") }
                throw Boom()
            }
        }
        #expect(try await pg.query("SELECT count(*) FROM x").scalar(Int.self) == 0)
        // A server error inside the transaction rolls it back too.
        await #expect(throws: PostgresError.self) {
            try await pg.transaction { conn in
                try conn.query("INSERT INTO x VALUES (\(1))")
                try conn.query("INSERT INTO x VALUES (\("not a number"))")
            }
        }
        #expect(try await pg.query("SELECT count(*) FROM x").scalar(Int.self) == 0)
        try await pg.transaction { conn in
            for n in 1...3 { try conn.query("INSERT INTO x VALUES (\(n))") }
        }
        #expect(try await pg.query("SELECT count(*) FROM x").scalar(Int.self) == 3)
        try await schema.drop()
    }

    @Test("COPY FROM STDIN of 100k rows, with escaping and NULLs")
    func copy() async throws {
        let schema = try await TestServers.schema()
        let pg = schema.client()
        try await pg.query("CREATE TABLE c (id bigint, label text, price float8, raw bytea)")
        let tricky = "tab\there\nnewline\\backslash\rcr \\N not null"
        let copied = try await pg.withConnection { conn in
            try conn.copyIn("COPY c (id, label, price, raw) FROM STDIN") { w in
                for id in 1...100_000 {
                    w.field(id)
                    if id % 10 == 0 { w.null() } else { w.field(id == 7 ? tricky : "row \(id)") }
                    w.field(Double(id) / 4)
                    w.field(bytea: [UInt8(id % 256), 0])
                    try w.endRow()
                }
            }
        }
        #expect(copied == 100_000)
        let sums = try #require(try await pg.query("SELECT count(*), sum(id), count(label), sum(price) FROM c").rows.first)
        #expect(try sums.decode(Int.self, at: 0) == 100_000)
        #expect(try sums.decode(Int64.self, at: 1) == 5_000_050_000)
        #expect(try sums.decode(Int.self, at: 2) == 90_000)
        #expect(try sums.decode(Double.self, at: 3) == 5_000_050_000.0 / 4)
        #expect(try await pg.query("SELECT label FROM c WHERE id = \(7)").scalar(String.self) == tricky)
        #expect(try await pg.query("SELECT raw FROM c WHERE id = \(300)").scalar(PGBytes.self).bytes == [44, 0])
        try await schema.drop()
    }

    @Test("a COPY whose writer throws writes nothing, and the session stays usable")
    func copyAbort() async throws {
        let schema = try await TestServers.schema()
        let pg = schema.client()
        try await pg.query("CREATE TABLE c (id bigint)")
        struct Stop: Error {}
        await #expect(throws: Stop.self) {
            try await pg.withConnection { conn in
                try conn.copyIn("COPY c FROM STDIN") { w in
                    for id in 1...50_000 {
                        w.field(id)
                        try w.endRow()
                    }
                    throw Stop()
                }
            }
        }
        #expect(try await pg.query("SELECT count(*) FROM c").scalar(Int.self) == 0)
        // A row the server rejects fails the whole COPY with the server's message.
        do {
            _ = try await pg.withConnection { conn in
                try conn.copyIn("COPY c FROM STDIN") { w in
                    w.field("12")
                    try w.endRow()
                    w.field("twelve")
                    try w.endRow()
                }
            }
            Issue.record("a bad row must fail the COPY")
        } catch let error as PostgresError {
            #expect(error.sqlState == "22P02", "got \(error)")
        }
        #expect(try await pg.query("SELECT count(*) FROM c").scalar(Int.self) == 0)
        try await schema.drop()
    }

    @Test("an advisory lock held by one session is refused to another and freed when that session dies")
    func advisoryLocks() async throws {
        let schema = try await TestServers.schema()
        let a = schema.client(), b = schema.client(), killer = schema.client()
        let key = Int64.random(in: 1...Int64.max)
        #expect(try await a.withConnection { try $0.tryAdvisoryLock(key) })
        #expect(try await b.withConnection { try $0.tryAdvisoryLock(key) } == false)

        // The holder's session dies server-side (what a crash or a partition looks like).
        let pid = try await a.backendPID()
        #expect(try await killer.query("SELECT pg_terminate_backend(\(pid))").scalar(Bool.self))
        #expect(try await eventually { try await b.withConnection { try $0.tryAdvisoryLock(key) } },
                "the lock is free once the holder's session is gone")
        await #expect(throws: PostgresError.self, "the dead session's next call fails") { try await a.query("SELECT 1") }
        #expect(try await a.withConnection { try $0.tryAdvisoryLock(key) } == false, "…and the reconnected one sees the lock taken")

        // A clean disconnect frees it too (the server ends the backend a moment after the client hangs up).
        await b.disconnect()
        #expect(try await eventually { try await a.withConnection { try $0.tryAdvisoryLock(key) } })
        #expect(try await a.withConnection { try $0.advisoryUnlock(key) })
        try await schema.drop()
    }
}

/// Polls `condition` every 50 ms for up to `seconds`; true as soon as it holds.
func eventually(seconds: Double = 5, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}
