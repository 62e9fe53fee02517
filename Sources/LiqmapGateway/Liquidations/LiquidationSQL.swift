import LiqmapPostgres

/// The one statement behind `GET /v1/liquidations` (pure: builds text and binds, runs nothing).
///
/// It reads `realized_liquidations` through the index on `(asset, ts)`, filters by event time
/// `[from, to)` and optionally by venue, and sums `usd_micros` per venue and side in PostgreSQL:
/// `sum(bigint)` is `numeric`, exact at any size, returned as text.
public enum LiquidationSQL {
    /// The query; its rows are `venue text, side text, micros text, count bigint`.
    public static func query(_ request: LiquidationRequest) -> PGQuery {
        var binds: [PGParameter] = [request.asset.pgParameter, request.from.pgParameter, request.to.pgParameter]
        var sql = """
            SELECT venue, side, sum(usd_micros)::text AS micros, count(*) AS n
            FROM realized_liquidations
            WHERE asset = $1 AND ts >= $2 AND ts < $3
            """
        if let venues = request.venues, !venues.isEmpty {
            var placeholders: [String] = []
            for venue in venues {
                binds.append(venue.pgParameter)
                placeholders.append("$\(binds.count)")
            }
            sql += " AND venue IN (\(placeholders.joined(separator: ", ")))"
        }
        sql += " GROUP BY venue, side ORDER BY venue, side"
        return PGQuery(sql: sql, binds: binds)
    }
}
