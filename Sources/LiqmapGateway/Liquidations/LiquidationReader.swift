import LiqmapPostgres

/// Reads one ``LiquidationSummary`` from PostgreSQL: runs ``LiquidationSQL`` on the pool and
/// decodes its rows. All arithmetic lives in ``LiquidationSummary``.
public struct LiquidationReader: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    public func summary(_ request: LiquidationRequest) async throws -> LiquidationSummary {
        let result = try await pool.query(LiquidationSQL.query(request))
        let rows = try result.rows.map { row throws -> LiquidationSummary.Row in
            let text = try row.decode(String.self, at: 2)
            guard let micros = Int128(text) else { throw PostgresError(.decoding, "sum '\(text)' is not an integer") }
            return LiquidationSummary.Row(venue: try row.decode(String.self, at: 0), side: try row.decode(String.self, at: 1),
                                          micros: micros, count: try row.decode(Int64.self, at: 3))
        }
        return try LiquidationSummary(request: request, rows: rows)
    }
}
