import LiqmapPostgres

/// Reads what the partitioned tables hold from PostgreSQL's catalog (the SQL edge of the planner):
/// each table's partitions with their bounds and estimated rows, and what its default partition holds.
/// A table that is not partitioned (a schema before migration 5) is left out.
public enum PartitionCatalog {
    /// One partition as the catalog has it.
    public struct Entry: Sendable, Hashable {
        public var name: String
        /// `pg_get_expr(relpartbound)`: `FOR VALUES FROM ('…') TO ('…')` or `DEFAULT`.
        public var bound: String
        /// `reltuples` (−1 or 0 until the table is first analyzed): for operators, never for decisions.
        public var estimatedRows: Int64
        /// The month its name stands for, when it is one of the table's monthly names.
        public var month: UTCMonth?

        public init(name: String, bound: String, estimatedRows: Int64, month: UTCMonth?) {
            self.name = name
            self.bound = bound
            self.estimatedRows = estimatedRows
            self.month = month
        }
    }

    /// One table: its partitions, the exact row count of its default partition and what the planner reads.
    public struct Table: Sendable, Hashable {
        public var partitions: [Entry]
        public var defaultRows: Int64
        public var observation: PartitionObservation

        public init(partitions: [Entry], defaultRows: Int64, observation: PartitionObservation) {
            self.partitions = partitions
            self.defaultRows = defaultRows
            self.observation = observation
        }
    }

    /// Every partitioned table of ``PartitionedTable/all`` in the current schema.
    public static func read(_ conn: PGConnection) throws -> [PartitionedTable: Table] {
        let parents = PartitionedTable.all.map(\.parent)
        let rows = try conn.query("""
            SELECT p.relname::text, c.relname::text, pg_get_expr(c.relpartbound, c.oid), c.reltuples::bigint
            FROM pg_partitioned_table pt
            JOIN pg_class p ON p.oid = pt.partrelid
            JOIN pg_inherits i ON i.inhparent = p.oid
            JOIN pg_class c ON c.oid = i.inhrelid
            WHERE p.relnamespace = current_schema()::regnamespace AND p.relname = ANY(\(PGArrayLiteral.text(parents))::text[])
            ORDER BY 1, 2
            """).rows
        var entries: [String: [Entry]] = [:]
        for row in rows {
            entries[try row.decode(String.self, at: 0), default: []].append(Entry(
                name: try row.decode(String.self, at: 1), bound: try row.decode(String.self, at: 2),
                estimatedRows: try row.decode(Int64.self, at: 3), month: nil))
        }
        var out: [PartitionedTable: Table] = [:]
        for table in PartitionedTable.all {
            guard var partitions = entries[table.parent] else { continue }
            var seen = PartitionObservation()
            var defaultRows: Int64 = 0
            for i in partitions.indices {
                let entry = partitions[i]
                if entry.bound == "DEFAULT" {
                    (defaultRows, seen.defaultMinKey, seen.defaultMonths) = try defaultContents(conn, table, entry.name)
                } else if let month = table.month(ofPartition: entry.name) {
                    partitions[i].month = month
                    seen.months.insert(month)
                    if entry.bound != table.boundText(month) { seen.mismatched.insert(month) }
                }
            }
            out[table] = Table(partitions: partitions, defaultRows: defaultRows, observation: seen)
        }
        return out
    }

    /// Rows, smallest key and months of a default partition. Realized rows are bucketed by day first
    /// (a day never straddles a month), tiles by tile.
    static func defaultContents(_ conn: PGConnection, _ table: PartitionedTable, _ name: String) throws -> (Int64, Int64?, Set<UTCMonth>) {
        let key = table.keyColumn
        let summary = try conn.query("SELECT count(*)::bigint, min(\(identifier: key))::bigint FROM \(identifier: name)").rows[0]
        let count = try summary.decode(Int64.self, at: 0)
        guard count > 0 else { return (0, nil, []) }
        let bucket: (sql: String, width: Int64) = switch table {
        case .realizedLiquidations: ("floor(ts::numeric / 86400000)::bigint", 86_400_000)
        case .tiles: ("tile", 1)
        }
        var months = Set<UTCMonth>()
        for row in try conn.query("SELECT DISTINCT \(unescaped: bucket.sql) FROM \(identifier: name)").rows {
            let (start, overflow) = try row.decode(Int64.self, at: 0).multipliedReportingOverflow(by: bucket.width)
            if !overflow, let month = table.month(ofKey: start) { months.insert(month) }
        }
        return (count, try summary.decodeIfPresent(Int64.self, at: 1), months)
    }
}
