/// The rows of a query, copied out of libpq's result (so it is a plain `Sendable` value).
public struct PGResult: Sendable {
    /// A column's name and type OID.
    public struct Column: Sendable, Hashable {
        public let name: String
        public let oid: UInt32
    }

    public let columns: [Column]
    public let rows: [PGRow]
    /// The row count of an INSERT/UPDATE/DELETE/COPY (from the command tag), nil when it has none.
    public let affectedRows: Int?

    /// The only value of a one-row, one-column result, typed.
    public func scalar<T: PGDecodable>(_ type: T.Type = T.self) throws(PostgresError) -> T {
        guard rows.count == 1, columns.count == 1 else {
            throw PostgresError(.decoding, "expected 1 row × 1 column, got \(rows.count) × \(columns.count)")
        }
        return try rows[0].decode(type, at: 0)
    }
}

/// One result row: cells in text format (nil for SQL NULL), read with ``decode(_:at:)``.
public struct PGRow: Sendable {
    public let columns: [PGResult.Column]
    public let cells: [[UInt8]?]

    /// The cell at `index` as `T`; a NULL cell throws for a non-optional `T`.
    public func decode<T: PGDecodable>(_ type: T.Type = T.self, at index: Int) throws(PostgresError) -> T {
        guard cells.indices.contains(index) else { throw PostgresError(.decoding, "no column \(index) (row has \(cells.count))") }
        guard let bytes = cells[index] else { throw PostgresError(.decoding, "column '\(columns[index].name)' is NULL") }
        return try T(pgText: bytes, oid: columns[index].oid)
    }

    /// The cell at `index` as `T`, or nil when it is NULL.
    public func decodeIfPresent<T: PGDecodable>(_ type: T.Type = T.self, at index: Int) throws(PostgresError) -> T? {
        guard cells.indices.contains(index) else { throw PostgresError(.decoding, "no column \(index) (row has \(cells.count))") }
        guard let bytes = cells[index] else { return nil }
        return try T(pgText: bytes, oid: columns[index].oid)
    }

    /// The cell in the column called `name` as `T`.
    public func decode<T: PGDecodable>(_ type: T.Type = T.self, column name: String) throws(PostgresError) -> T {
        guard let index = columns.firstIndex(where: { $0.name == name }) else { throw PostgresError(.decoding, "no column '\(name)'") }
        return try decode(type, at: index)
    }
}
