import Foundation
import LiqmapAggregation
import LiqmapAggregator
import LiqmapCore
import LiqmapPostgres
import LiqmapStore
import LiqmapTesting
import Testing

/// Migration 5 and partition maintenance against the test PostgreSQL: the migration keeps every
/// row and every sum, rows land in their month's partition, maintenance makes months (moving rows
/// out of the default partition), purges and drops exactly what is older than retention, and gives
/// way to locks it cannot get in time.
@Suite("Time partitions (real PostgreSQL)", .timeLimit(.minutes(3)))
struct PartitionTests {
    static let realized = PartitionedTable.realizedLiquidations
    static var nowMs: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// Liquidations at awkward times: month edges, a leap day, New Year, the ends of the partitionable
    /// range and outside it (those stay in the default partition), and 2,000 spread over three years.
    static func events() -> [NormalizedEvent] {
        var times: [Int64] = [
            0, 1_709_164_800_000, 1_709_251_199_999, 1_709_251_200_000,  // 1970-01-01, 2024-02-29, the last and first ms around 2024-03-01
            1_798_761_599_999, 1_798_761_600_000,  // 2026-12-31 23:59:59.999, 2027-01-01
            253_402_300_799_999,  // the last ms of 9999
            -60_000, 253_402_300_800_000,  // before 1970, after 9999: the default partitions
        ]
        for i in 0..<2_000 { times.append(1_698_796_800_000 + Int64(i) * 47_304_000 + Int64(i * 7_919 % 1_000)) }
        return times.enumerated().map { i, ts in
            let usd = [1234.5678905, 0.0078125, 99_999.999999, 17.25, 3.3333333333][i % 5] * Double(1 + i % 7)
            let venue: Venue = i % 3 == 0 ? .okx : .binance
            return NormalizedEvent(venue: venue, feed: venue == .okx ? .okx : .binanceUSDM, symbol: "BTCUSDT", instrument: "BTC-USDT-PERP",
                                   ts: ts, recvTs: nil, body: .liquidation(Liquidation(side: i % 2 == 0 ? .long : .short, price: 60_000 + Double(i),
                                                                                        qty: usd / 60_000, notionalUSD: usd)))
        }
    }

    /// Inserts the events' rows and their realized tiles (every resolution, both layers) as an aggregator would.
    static func insert(_ events: [NormalizedEvent], into pg: PostgresClient) async throws -> Int64 {
        var accumulator = RealizedAccumulator()
        var keys: [String] = [], venues: [String] = [], feeds: [String] = [], sides: [String] = [], ts: [Int64] = [], micros: [Int64] = []
        var prices: [Double] = [], qtys: [Double] = []
        var total: Int64 = 0
        for e in events {
            guard case .liquidation(let l) = e.body, accumulator.add(e) == .added else { Issue.record("refused \(e)"); continue }
            let m = MicroUSD(usd: l.notionalUSD)!.micros
            keys.append(e.identityKey); venues.append(e.venue.rawValue); feeds.append(e.feed.rawValue); sides.append(l.side.rawValue)
            ts.append(e.ts!); micros.append(m); prices.append(l.price); qtys.append(l.qty)
            total += m
        }
        try await pg.query("""
            INSERT INTO realized_liquidations (event_key, venue, feed, instrument, asset, side, ts, price, qty, usd_micros, shard, stream_id)
            SELECT k, v, f, 'BTC-USDT-PERP', 'BTC', s, t, p, q, u, 0, '0-1' FROM unnest(\(PGArrayLiteral.text(keys))::text[],
                \(PGArrayLiteral.text(venues))::text[], \(PGArrayLiteral.text(feeds))::text[], \(PGArrayLiteral.text(sides))::text[],
                \(PGArrayLiteral.integers(ts))::bigint[], \(PGArrayLiteral.doubles(prices))::float8[], \(PGArrayLiteral.doubles(qtys))::float8[],
                \(PGArrayLiteral.integers(micros))::bigint[]) AS x(k, v, f, s, t, p, q, u)
            """)
        var tiles: [(TileKey, [UInt8])] = []
        for (key, delta) in accumulator.take() {
            var projected = key
            projected.layer = .projected
            tiles += [(key, TileCodec.encode(delta, key: key)), (projected, TileCodec.encode(delta, key: projected))]
        }
        for chunk in stride(from: 0, to: tiles.count, by: 500) {
            let ts = tiles[chunk..<min(chunk + 500, tiles.count)]
            try await pg.query("""
                INSERT INTO tiles (venue, instrument, asset, layer, resolution, tile, data, cells)
                SELECT v, i, 'BTC', l, r, t, d, n FROM unnest(\(PGArrayLiteral.text(ts.map(\.0.venue.rawValue)))::text[],
                    \(PGArrayLiteral.text(ts.map(\.0.instrument)))::text[], \(PGArrayLiteral.integers(ts.map { Int($0.0.layer.code) }))::smallint[],
                    \(PGArrayLiteral.integers(ts.map { Int($0.0.resolution.code) }))::smallint[], \(PGArrayLiteral.integers(ts.map(\.0.tile)))::bigint[],
                    \(PGArrayLiteral.bytea(ts.map(\.1)))::bytea[], \(PGArrayLiteral.integers(ts.map { TileCodec.cellCount(of: $0.1) }))::integer[])
                    AS x(v, i, l, r, t, d, n)
                """)
        }
        return total
    }

    /// Everything a schema holds, as checksums and exact sums.
    struct Contents: Equatable {
        var rows: String
        var tiles: String
        var rowMicros: String
        /// Per layer and resolution: the micro-dollars of every decoded tile.
        var tileMicros: [String: Int64]
        var viewMicros: [String: String]
    }

    static func contents(_ pg: PostgresClient) async throws -> Contents {
        let rows = try await pg.query("""
            SELECT count(*)::text || ' ' || md5(string_agg(concat_ws('|', event_key, venue, feed, instrument, asset, side, ts, price, qty,
                usd_micros, shard, stream_id, applied_at), E'\\n' ORDER BY event_key)), sum(usd_micros)::text FROM realized_liquidations
            """).rows[0]
        let tiles = try await pg.query("""
            SELECT count(*)::text || ' ' || md5(string_agg(concat_ws('|', venue, instrument, asset, layer, resolution, tile, encode(data, 'hex'),
                cells, updated_at), E'\\n' ORDER BY venue, instrument, layer, resolution, tile)) FROM tiles
            """).scalar(String.self)
        var tileMicros: [String: Int64] = [:]
        for r in try await pg.query("SELECT layer, resolution, data FROM tiles").rows {
            let total = try TileCodec.decode(try r.decode(PGBytes.self, at: 2).bytes).cells.total
            tileMicros["\(try r.decode(Int.self, at: 0))/\(try r.decode(Int.self, at: 1))", default: 0] += total.longUSD.micros + total.shortUSD.micros
        }
        var viewMicros: [String: String] = [:]
        for r in try await pg.query("SELECT layer || '/' || resolution, (sum(long_usd + short_usd) * 1000000)::text FROM liqmap_tile_cells GROUP BY 1").rows {
            viewMicros[try r.decode(String.self, at: 0)] = try r.decode(String.self, at: 1)
        }
        return Contents(rows: try rows.decode(String.self, at: 0), tiles: tiles, rowMicros: try rows.decode(String.self, at: 1),
                        tileMicros: tileMicros, viewMicros: viewMicros)
    }

    /// The partition a row of `table` with key `key` belongs in, by the rule in Swift.
    static func expectedPartition(_ table: PartitionedTable, key: Int64) -> String {
        table.month(ofKey: key).map(table.partitionName) ?? table.defaultName
    }

    @Test("migration 5 on a schema at version 4 keeps every row and every sum, and puts each row in its month's partition")
    func migrationKeepsEverything() async throws {
        let schema = try await TestServers.schema()
        let pg = schema.client()
        _ = try await Migrator(migrations: Array(Migrations.all.prefix(4))).migrate(pg)
        let micros = try await Self.insert(Self.events(), into: pg)
        let before = try await Self.contents(pg)
        #expect(before.rowMicros == "\(micros)")
        #expect(before.tileMicros.count == 14 && before.tileMicros.values.allSatisfy { $0 == micros }, "\(before.tileMicros)")

        #expect(try await Migrator().migrate(pg).applied == Migrations.all.map(\.version).filter { $0 >= 5 }, "5 and every later one")
        let after = try await Self.contents(pg)
        #expect(after == before, "every row, tile, sum and view total is unchanged")
        #expect(try await pg.query("SELECT relkind::text FROM pg_class WHERE oid = 'realized_liquidations'::regclass").scalar(String.self) == "p")
        #expect(try await pg.query("SELECT to_regclass('realized_liquidations_m4')::text").rows[0].decodeIfPresent(String.self, at: 0) == nil)

        // Each row where the rule says: its month's partition, or the default outside 1970…9999.
        for r in try await pg.query("SELECT ts, tableoid::regclass::text FROM realized_liquidations").rows {
            let ts = try r.decode(Int64.self, at: 0)
            #expect(try r.decode(String.self, at: 1) == Self.expectedPartition(Self.realized, key: ts), "ts \(ts)")
        }
        #expect(try await pg.query("SELECT count(*) FROM realized_liquidations_default").scalar(Int.self) == 2)
        #expect(try await pg.query("SELECT count(*) FROM realized_liquidations_197001").scalar(Int.self) == 1)
        #expect(try await pg.query("SELECT count(*) FROM realized_liquidations_999912").scalar(Int.self) == 1)
        for r in try await pg.query("SELECT resolution, tile, tableoid::regclass::text FROM tiles").rows {
            let resolution = try #require(TimeResolution(code: UInt8(try r.decode(Int.self, at: 0)))), tile = try r.decode(Int64.self, at: 1)
            let want = PartitionedTable.monthlyTileResolutions.contains(resolution)
                ? Self.expectedPartition(.tiles(resolution), key: tile) : "tiles_\(resolution.rawValue)"
            #expect(try r.decode(String.self, at: 2) == want, "\(resolution) tile \(tile)")
        }

        // The migration's SQL made a partition for each month holding rows and for this month and two
        // ahead, with the names and bounds PartitionedTable computes.
        let catalog = try await PartitionMaintainer(client: pg, policy: PartitionPolicy()).plan(now: Self.nowMs, retentionClock: nil).catalog
        #expect(Set(catalog.keys) == Set(PartitionedTable.all))
        let current = try #require(UTCMonth(containing: Self.nowMs))
        for (table, t) in catalog {
            #expect(t.observation.mismatched.isEmpty, "\(table): \(t.partitions.filter { $0.month.map(t.observation.mismatched.contains) ?? false })")
            let query: PGQuery = switch table {
            case .realizedLiquidations: "SELECT ts FROM realized_liquidations"
            case .tiles(let r): "SELECT tile FROM tiles WHERE resolution = \(Int(r.code))"
            }
            let keys = try await pg.query(query).rows.map { try $0.decode(Int64.self, at: 0) }
            let want = Set(keys.compactMap(table.month(ofKey:))).union([current, current.next, current.adding(2)])
            #expect(t.observation.months == want, "\(table): \(t.observation.months.symmetricDifference(want).sorted())")
            #expect(want.count > 30)
        }

        // The primary key (event_key, ts) still refuses a duplicate liquidation.
        let one = try await pg.query("SELECT event_key, ts FROM realized_liquidations LIMIT 1").rows[0]
        let dup = try await pg.query("""
            INSERT INTO realized_liquidations (event_key, venue, feed, instrument, asset, side, ts, price, qty, usd_micros, shard, stream_id)
            VALUES (\(try one.decode(String.self, at: 0)), 'okx', 'okx', 'BTC-USDT-PERP', 'BTC', 'long', \(try one.decode(Int64.self, at: 1)), 1, 1, 1, 0, '0-9')
            ON CONFLICT (event_key, ts) DO NOTHING
            """)
        #expect(dup.affectedRows == 0)
        try await schema.drop()
    }

    static func addRow(_ pg: PostgresClient, _ key: String, ts: Int64, micros: Int64) async throws {
        try await pg.query("""
            INSERT INTO realized_liquidations (event_key, venue, feed, instrument, asset, side, ts, price, qty, usd_micros, shard, stream_id)
            VALUES (\(key), 'okx', 'okx', 'BTC-USDT-SWAP', 'BTC', 'long', \(ts), 1, 1, \(micros), 0, '0-1')
            """)
    }

    static func addTile(_ pg: PostgresClient, _ resolution: TimeResolution, tile: Int64) async throws {
        try await pg.query("""
            INSERT INTO tiles (venue, instrument, asset, layer, resolution, tile, data, cells)
            VALUES ('okx', 'BTC-USDT-SWAP', 'BTC', 1, \(Int(resolution.code)), \(tile), \(PGBytes([1, 2, 3])), 1)
            """)
    }

    static func partition(of key: String, _ pg: PostgresClient) async throws -> String {
        try await pg.query("SELECT tableoid::regclass::text FROM realized_liquidations WHERE event_key = \(key)").scalar(String.self)
    }

    static func exists(_ name: String, _ pg: PostgresClient) async throws -> Bool {
        try await pg.query("SELECT to_regclass(\(name)) IS NOT NULL").scalar(Bool.self)
    }

    @Test("maintenance: a month made late takes its rows out of the default; dropping a month removes exactly its rows; old default rows are purged")
    func maintenance() async throws {
        let schema = try await TestServers.schema()
        let pg = schema.client()
        _ = try await Migrator().migrate(pg)
        let now = Self.nowMs
        let current = try #require(UTCMonth(containing: now))
        func mid(_ months: Int) -> Int64 { current.adding(months).startMs + 3 * RetentionPolicy.day + 12_345 }
        // Rows of months without partitions go to the default partition, never refused.
        try await Self.addRow(pg, "now", ts: mid(0), micros: 1)
        try await Self.addRow(pg, "minus3", ts: mid(-3), micros: 10)
        try await Self.addRow(pg, "minus3b", ts: current.adding(-3).next.startMs - 1, micros: 20)  // the month's last ms
        try await Self.addRow(pg, "minus5", ts: mid(-5), micros: 100)
        try await Self.addRow(pg, "plus6", ts: mid(6), micros: 1_000)
        #expect(try await Self.partition(of: "now", pg) == Self.realized.partitionName(current))
        for key in ["minus3", "minus3b", "minus5", "plus6"] { #expect(try await Self.partition(of: key, pg) == "realized_liquidations_default") }
        try await Self.addTile(pg, .m1, tile: TimeResolution.tile(ofColumn: TimeResolution.m1.column(ts: mid(-2))))
        let hourTile = TimeResolution.tile(ofColumn: TimeResolution.h1.column(ts: mid(-2)))
        try await Self.addTile(pg, .h1, tile: hourTile)

        // Kept for ever: the default's months get partitions and their rows move in; the far month waits.
        let forever = PartitionMaintainer(client: pg, policy: PartitionPolicy())
        let first = try await forever.run(now: now, retentionClock: now)
        #expect(first.failed.isEmpty, "\(first.failed)")
        #expect(first.done.contains(.create(Self.realized, current.adding(-3))) && first.done.contains(.create(Self.realized, current.adding(-5))))
        #expect(try await Self.partition(of: "minus3", pg) == Self.realized.partitionName(current.adding(-3)))
        #expect(try await Self.partition(of: "minus3b", pg) == Self.realized.partitionName(current.adding(-3)))
        #expect(try await Self.partition(of: "minus5", pg) == Self.realized.partitionName(current.adding(-5)))
        #expect(try await Self.partition(of: "plus6", pg) == "realized_liquidations_default", "six months ahead: not yet")
        // Tiles: the 1m tile of two months ago is beyond its 7 days and purged from the default; the 1h one moves into its month.
        #expect(try await pg.query("SELECT count(*) FROM tiles WHERE resolution = 1").scalar(Int.self) == 0)
        #expect(try await pg.query("SELECT tableoid::regclass::text FROM tiles WHERE resolution = 5").scalar(String.self)
            == PartitionedTable.tiles(.h1).partitionName(try #require(PartitionedTable.tiles(.h1).month(ofKey: hourTile))))
        #expect(try await pg.query("SELECT sum(usd_micros)::bigint FROM realized_liquidations").scalar(Int64.self) == 1_131)
        let again = try await forever.run(now: now, retentionClock: now)
        #expect(again.done.isEmpty && again.failed.isEmpty, "a second run finds nothing to do: \(again.done)")

        // 45 days: three and five months ago are wholly older and go with exactly their rows; a row of
        // four months ago (no partition: default) is purged; last month gets its partition.
        try await Self.addRow(pg, "minus4", ts: mid(-4), micros: 10_000)
        try await Self.addRow(pg, "minus1", ts: mid(-1), micros: 100_000)
        let kept = PartitionMaintainer(client: pg, policy: PartitionPolicy(realizedRetentionDays: 45))
        let second = try await kept.run(now: now, retentionClock: now)
        #expect(second.failed.isEmpty, "\(second.failed)")
        #expect(second.done.contains(.drop(Self.realized, current.adding(-3))) && second.done.contains(.drop(Self.realized, current.adding(-5))))
        #expect(try await Self.exists(Self.realized.partitionName(current.adding(-3)), pg) == false)
        #expect(try await Self.exists(Self.realized.partitionName(current.adding(-5)), pg) == false)
        let left = try await pg.query("SELECT string_agg(event_key, ',' ORDER BY event_key), sum(usd_micros)::bigint FROM realized_liquidations").rows[0]
        #expect(try left.decode(String.self, at: 0) == "minus1,now,plus6")
        #expect(try left.decode(Int64.self, at: 1) == 101_001)
        #expect(try await Self.partition(of: "minus1", pg) == Self.realized.partitionName(current.adding(-1)))
        #expect(try await Self.partition(of: "plus6", pg) == "realized_liquidations_default")
        try await schema.drop()
    }

    @Test("rows moving out of the default partition are never missed by a reader counting them meanwhile")
    func readersDuringMove() async throws {
        let schema = try await TestServers.schema()
        let pg = schema.client()
        _ = try await Migrator().migrate(pg)
        let now = Self.nowMs
        let old = try #require(UTCMonth(containing: now)).adding(-4)
        let rows = 30_000
        try await pg.query("""
            INSERT INTO realized_liquidations (event_key, venue, feed, instrument, asset, side, ts, price, qty, usd_micros, shard, stream_id)
            SELECT 'k' || g, 'okx', 'okx', 'BTC-USDT-SWAP', 'BTC', 'long', \(old.startMs) + g, 1, 1, 1, 0, '0-1' FROM generate_series(1, \(rows)) g
            """)
        let hour = PartitionedTable.tiles(.h1).bounds(old).lowerBound
        try await pg.query("""
            INSERT INTO tiles (venue, instrument, asset, layer, resolution, tile, data, cells)
            SELECT 'okx', 'I' || g, 'BTC', 1, 5, \(hour), '\\x01', 1 FROM generate_series(1, \(rows)) g
            """)
        #expect(try await pg.query("SELECT count(*) FROM realized_liquidations_default").scalar(Int.self) == rows)
        let maintaining = Task { try await PartitionMaintainer(client: pg, policy: PartitionPolicy()).run(now: now, retentionClock: now) }
        // Count until the last of the two moves has committed (then once more).
        let reader = schema.client(), watcher = schema.client()
        var counts: [Int] = []
        let deadline = ContinuousClock.now + .seconds(60)
        var moved = false
        while !moved && ContinuousClock.now < deadline {
            moved = try await watcher.query("SELECT to_regclass(\(PartitionedTable.tiles(.h1).partitionName(old))) IS NOT NULL").scalar(Bool.self)
            counts.append(try await reader.query("SELECT count(*) FROM realized_liquidations").scalar(Int.self))
            counts.append(try await reader.query("SELECT count(*) FROM tiles WHERE resolution = 5").scalar(Int.self))
        }
        let outcome = try await maintaining.value
        #expect(outcome.failed.isEmpty, "\(outcome.failed)")
        #expect(counts.count > 2, "the reader ran while rows moved")
        #expect(counts.allSatisfy { $0 == rows }, "counts seen: \(Set(counts).sorted())")
        #expect(try await Self.partition(of: "k1", pg) == Self.realized.partitionName(old))
        try await schema.drop()
    }

    @Test("a step that cannot get its lock within lock_timeout fails, holds nothing, and succeeds on the next run")
    func lockTimeout() async throws {
        let schema = try await TestServers.schema()
        let pg = schema.client()
        _ = try await Migrator().migrate(pg)
        let now = Self.nowMs
        let old = try #require(UTCMonth(containing: now)).adding(-6)
        try await Self.addRow(pg, "old", ts: old.startMs + 1, micros: 7)
        _ = try await PartitionMaintainer(client: pg, policy: PartitionPolicy()).run(now: now, retentionClock: now)
        #expect(try await Self.exists(Self.realized.partitionName(old), pg))

        // A reader in an open transaction holds ACCESS SHARE on the table; dropping a partition needs ACCESS EXCLUSIVE.
        let reader = schema.client()
        try await reader.query("BEGIN")
        _ = try await reader.query("SELECT count(*) FROM realized_liquidations")
        let maintainer = PartitionMaintainer(client: pg, policy: PartitionPolicy(realizedRetentionDays: 30, lockTimeoutMs: 300))
        let started = ContinuousClock.now
        let blocked = try await maintainer.run(now: now, retentionClock: now)
        #expect(ContinuousClock.now - started < .seconds(10))
        // (A month to make waits too: moving rows out of the default partition locks it.)
        #expect(blocked.failed.contains { $0.action == .drop(Self.realized, old) } && !blocked.done.contains(.drop(Self.realized, old)))
        #expect(blocked.failed.allSatisfy { $0.error.contains("lock timeout") }, "\(blocked.failed)")
        #expect(try await Self.exists(Self.realized.partitionName(old), pg))
        try await reader.query("COMMIT")
        let freed = try await maintainer.run(now: now, retentionClock: now)
        #expect(freed.done.contains(.drop(Self.realized, old)) && freed.failed.isEmpty, "\(freed.done) \(freed.failed)")
        #expect(try await Self.exists(Self.realized.partitionName(old), pg) == false)

        // While another session holds the maintenance lock, a run does nothing and says so.
        let holder = schema.client()
        _ = try await holder.query("SELECT pg_advisory_lock(\(PartitionMaintainer.lockKey(schema: schema.name)))")
        try await Self.addRow(pg, "old2", ts: old.startMs + 2, micros: 7)
        let busy = try await maintainer.run(now: now, retentionClock: now)
        #expect(busy.busy && busy.done.isEmpty)
        await holder.disconnect()
        try await schema.drop()
    }
}
