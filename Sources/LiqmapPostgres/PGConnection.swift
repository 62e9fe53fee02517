import CLibPQ
import Glibc

/// One libpq connection, owned by exactly one ``PostgresClient`` (not `Sendable`). Every call blocks
/// the calling thread. Values always travel as parameters (`PQexecParams`/`PQexecPrepared`); the only
/// text-only entry point is ``runScript(_:)`` for the static SQL of migrations.
public final class PGConnection {
    private let conn: OpaquePointer
    private var prepared: Set<String> = []

    /// Connects with a libpq conninfo string or URL; `settings` add or override keywords
    /// (e.g. `options: -c search_path=x`, `application_name`).
    init(conninfo: String, settings: [String: String]) throws(PostgresError) {
        var keywords = ["dbname"]
        var values = [conninfo]
        for (k, v) in settings.sorted(by: { $0.key < $1.key }) {
            keywords.append(k)
            values.append(v)
        }
        let connection: OpaquePointer? = withCStrings(keywords) { kw in
            withCStrings(values) { vals in PQconnectdbParams(kw, vals, 1) }
        }
        guard let connection else { throw PostgresError(.connection, "libpq could not allocate a connection") }
        if PQstatus(connection) != CONNECTION_OK {
            let message = Self.trim(String(cString: PQerrorMessage(connection)))
            PQfinish(connection)
            throw PostgresError(.connection, message)
        }
        // Server notices ("relation already exists, skipping") are not errors; keep them off stderr.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        conn = connection
    }

    deinit { PQfinish(conn) }

    /// False once the socket is gone (server restart, terminated backend, network).
    public var isAlive: Bool { PQstatus(conn) == CONNECTION_OK }

    /// The server process id of this session (what `pg_terminate_backend` takes).
    public var backendPID: Int32 { PQbackendPID(conn) }

    /// Runs one statement with bound parameters.
    @discardableResult
    public func query(_ query: PGQuery) throws(PostgresError) -> PGResult {
        let result = withParameters(query.binds) { n, types, values, lengths, formats in
            PQexecParams(conn, query.sql, n, types, values, lengths, formats, 0)
        }
        return try consume(result, context: query.sql)
    }

    /// Prepares `sql` under `name` on this connection (once; later calls are no-ops).
    public func prepare(_ name: String, _ sql: String) throws(PostgresError) {
        if prepared.contains(name) { return }
        _ = try consume(PQprepare(conn, name, sql, 0, nil), context: "PREPARE \(name)")
        prepared.insert(name)
    }

    /// Notifications received on this session (after `LISTEN`): those already read, else those
    /// arriving within `waitMs` (0 = just check). Throws a `connection` error when the socket is gone.
    public func notifications(waitMs: Int32) throws(PostgresError) -> [(channel: String, payload: String)] {
        var out = drainNotifications()
        if !out.isEmpty { return out }
        let fd = PQsocket(conn)
        guard fd >= 0 else { throw PostgresError(.connection, "the session has no socket") }
        var waiting = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&waiting, 1, waitMs)
        guard ready > 0 else { return [] }
        guard PQconsumeInput(conn) == 1 else { throw PostgresError(.connection, Self.trim(String(cString: PQerrorMessage(conn)))) }
        guard isAlive else { throw PostgresError(.connection, "the session ended") }
        out = drainNotifications()
        return out
    }

    private func drainNotifications() -> [(channel: String, payload: String)] {
        var out: [(channel: String, payload: String)] = []
        while let notice = PQnotifies(conn) {
            out.append((String(cString: notice.pointee.relname), String(cString: notice.pointee.extra)))
            PQfreemem(notice)
        }
        return out
    }

    /// Whether `name` is prepared on this connection.
    public func isPrepared(_ name: String) -> Bool { prepared.contains(name) }

    /// Runs a statement prepared with ``prepare(_:_:)``.
    @discardableResult
    public func execute(prepared name: String, _ binds: [PGParameter]) throws(PostgresError) -> PGResult {
        guard prepared.contains(name) else { throw PostgresError(.invalidArgument, "statement '\(name)' is not prepared") }
        let result = withParameters(binds) { n, _, values, lengths, formats in
            PQexecPrepared(conn, name, n, values, lengths, formats, 0)
        }
        return try consume(result, context: "EXECUTE \(name)")
    }

    /// Runs static SQL that may hold several statements (migrations). It takes no values: anything
    /// that varies must go through ``query(_:)``.
    public func runScript(_ sql: StaticString) throws(PostgresError) {
        _ = try consume(PQexec(conn, sql.description), context: "script")
    }

    /// Runs `body` in a transaction: COMMIT when it returns, ROLLBACK when it throws.
    public func transaction<T>(_ body: (PGConnection) throws -> T) throws -> T {
        try query("BEGIN")
        do {
            let value = try body(self)
            try query("COMMIT")
            return value
        } catch {
            if isAlive { _ = try? query("ROLLBACK") }
            throw error
        }
    }

    // MARK: - Advisory locks (session level: held until unlocked or the session ends)

    /// `pg_try_advisory_lock(key)`: true when this session now holds the lock.
    public func tryAdvisoryLock(_ key: Int64) throws(PostgresError) -> Bool {
        try query("SELECT pg_try_advisory_lock(\(key))").scalar(Bool.self)
    }

    /// `pg_advisory_lock(key)`: waits until the lock is free.
    public func advisoryLock(_ key: Int64) throws(PostgresError) {
        try query("SELECT pg_advisory_lock(\(key))")
    }

    /// `pg_advisory_unlock(key)`: false when this session did not hold it.
    @discardableResult
    public func advisoryUnlock(_ key: Int64) throws(PostgresError) -> Bool {
        try query("SELECT pg_advisory_unlock(\(key))").scalar(Bool.self)
    }

    // MARK: - COPY FROM STDIN

    /// Runs `COPY … FROM STDIN` (text format) and streams the rows `body` writes; returns the row
    /// count the server reports. If `body` throws, the COPY is aborted and nothing is written.
    @discardableResult
    public func copyIn(_ sql: StaticString, _ body: (inout PGCopyWriter) throws -> Void) throws -> Int {
        let start = PQexec(conn, sql.description)
        let status = start.map { PQresultStatus($0) }
        guard let start, status == PGRES_COPY_IN else {
            _ = try consume(start, context: "COPY")  // throws the server's error
            throw PostgresError(.invalidArgument, "'\(sql)' did not start a COPY FROM STDIN")
        }
        PQclear(start)
        var writer = PGCopyWriter(connection: self)
        do {
            try body(&writer)
            try writer.flush()
        } catch {
            _ = PQputCopyEnd(conn, "aborted by client: \(error)")
            _ = try? drainResults(context: "COPY abort")
            throw error
        }
        guard PQputCopyEnd(conn, nil) == 1 else { throw connectionError("COPY end") }
        let result = try drainResults(context: "COPY")
        return result?.affectedRows ?? writer.rows
    }

    func putCopyData(_ bytes: [UInt8]) throws(PostgresError) {
        let ok = bytes.withUnsafeBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) { PQputCopyData(conn, $0, Int32(buf.count)) }
        }
        guard ok == 1 else { throw connectionError("COPY data") }
    }

    // MARK: - Results

    /// Reads results until libpq says there are no more; throws the first error; returns the last.
    private func drainResults(context: String) throws(PostgresError) -> PGResult? {
        var last: PGResult?
        var firstError: PostgresError?
        while let r = PQgetResult(conn) {
            do { last = try consume(r, context: context) } catch { firstError = firstError ?? error }
        }
        if let firstError { throw firstError }
        return last
    }

    /// Turns a libpq result into a ``PGResult`` or a thrown error, and frees it.
    private func consume(_ result: OpaquePointer?, context: String) throws(PostgresError) -> PGResult {
        guard let result else { throw connectionError(context) }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        switch status {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_COPY_IN:
            return Self.read(result)
        default:
            let field = { (code: UInt8) -> String? in
                PQresultErrorField(result, Int32(code)).map { String(cString: $0) }
            }
            let sqlState = field(UInt8(ascii: "C"))
            let message = field(UInt8(ascii: "M")) ?? Self.trim(String(cString: PQresultErrorMessage(result)))
            // A result without SQLSTATE after the socket died is a connection failure, not a server error.
            if sqlState == nil || !isAlive {
                throw PostgresError(.connection, message.isEmpty ? Self.trim(String(cString: PQerrorMessage(conn))) : message,
                                    sqlState: sqlState)
            }
            throw PostgresError(.server, message, sqlState: sqlState, detail: field(UInt8(ascii: "D")), hint: field(UInt8(ascii: "H")))
        }
    }

    private func connectionError(_ context: String) -> PostgresError {
        let message = Self.trim(String(cString: PQerrorMessage(conn)))
        return PostgresError(.connection, message.isEmpty ? "\(context): no result (connection lost)" : message)
    }

    private static func read(_ result: OpaquePointer) -> PGResult {
        let nColumns = Int(PQnfields(result))
        let nRows = Int(PQntuples(result))
        var columns: [PGResult.Column] = []
        columns.reserveCapacity(nColumns)
        for c in 0..<nColumns {
            columns.append(.init(name: String(cString: PQfname(result, Int32(c))), oid: PQftype(result, Int32(c))))
        }
        var rows: [PGRow] = []
        rows.reserveCapacity(nRows)
        for r in 0..<nRows {
            var cells: [[UInt8]?] = []
            cells.reserveCapacity(nColumns)
            for c in 0..<nColumns {
                if PQgetisnull(result, Int32(r), Int32(c)) == 1 {
                    cells.append(nil)
                } else {
                    let length = Int(PQgetlength(result, Int32(r), Int32(c)))
                    let pointer = PQgetvalue(result, Int32(r), Int32(c))!
                    cells.append(Array(UnsafeRawBufferPointer(start: pointer, count: length)))
                }
            }
            rows.append(PGRow(columns: columns, cells: cells))
        }
        let tag = String(cString: PQcmdTuples(result))
        return PGResult(columns: columns, rows: rows, affectedRows: Int(tag))
    }

    private static func trim(_ s: String) -> String {
        var t = Substring(s)
        while let last = t.last, last.isWhitespace { t.removeLast() }
        return String(t)
    }

    /// Lays out libpq's parallel parameter arrays for the duration of `body`.
    private func withParameters<R>(
        _ binds: [PGParameter],
        _ body: (Int32, UnsafePointer<Oid>?, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> R
    ) -> R {
        let types = binds.map { Oid($0.oid) }
        let lengths = binds.map { Int32($0.bytes?.count ?? 0) }
        let formats = binds.map { Int32($0.isBinary ? 1 : 0) }
        // One buffer holds every value, each NUL-terminated (text parameters must be C strings).
        var flat: [UInt8] = []
        var offsets: [Int?] = []
        for b in binds {
            if let bytes = b.bytes {
                offsets.append(flat.count)
                flat.append(contentsOf: bytes)
                flat.append(0)
            } else {
                offsets.append(nil)
            }
        }
        flat.append(0)
        return flat.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            let values: [UnsafePointer<CChar>?] = offsets.map { $0.map { base + $0 } }
            return types.withUnsafeBufferPointer { t in
                values.withUnsafeBufferPointer { v in
                    lengths.withUnsafeBufferPointer { l in
                        formats.withUnsafeBufferPointer { f in
                            body(Int32(binds.count), t.baseAddress, v.baseAddress, l.baseAddress, f.baseAddress)
                        }
                    }
                }
            }
        }
    }
}

/// Calls `body` with a NULL-terminated array of C strings.
private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let duplicates: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { duplicates.forEach { free($0) } }
    let pointers: [UnsafePointer<CChar>?] = duplicates.map { $0.map { UnsafePointer($0) } } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
