import LiqmapAggregation
import LiqmapCore
import LiqmapPostgres

/// A write the fence refused: the shard's epoch is no longer ours (another owner took over).
public struct FencedError: Error, Sendable, CustomStringConvertible {
    public let shard: Int
    public let epoch: Int64
    public var description: String { "shard \(shard): write fenced off (epoch \(epoch) is no longer current)" }
}

/// The database said something that breaks an invariant the owner relies on; the owner steps down.
public struct StoreInvariantError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

/// The shard's position when an owner takes over.
public struct Takeover: Sendable, Hashable {
    public var epoch: Int64
    public var lastID: StreamID
    /// The stream incarnation the previous owner recorded (nil: none yet).
    public var incarnation: String? = nil
}

/// Everything one fenced transaction commits (ARCHITECTURE.md, "Effectively-once").
public struct CommitWork: Sendable {
    public var shard: Int
    public var epoch: Int64
    /// The high-water stream id after this read.
    public var lastID: StreamID
    public var plan: BatchPlan
    /// Projected columns to store (latest snapshot per column) and tiles to compact.
    public var projectedColumns: [ProjectedColumn] = []
    public var compactBefore: [(key: InstrumentKey, resolution: TimeResolution, tile: Int64)] = []
    /// Price line and open interest per column since the last checkpoint (`market_columns`).
    public var marketColumns: [MarketColumn] = []
    /// The projection engine's state after this read, when a checkpoint is due.
    public var checkpoint: [UInt8]?
    public var alarms: [(kind: String, detail: String)] = []
    /// Retention to apply in this transaction: the shard's instruments and the cutoffs.
    public var retention: (instruments: [InstrumentKey], cutoffs: [(TimeResolution, Int64)], appliedBatchesDays: Int)?

    public init(shard: Int, epoch: Int64, lastID: StreamID, plan: BatchPlan) {
        self.shard = shard
        self.epoch = epoch
        self.lastID = lastID
        self.plan = plan
    }
}

/// What a commit did.
public struct CommitResult: Sendable, Hashable {
    public var liquidationsApplied = 0
    public var duplicateLiquidations = 0
    public var tilesWritten = 0
    public var tilesDropped = 0
    public var usdApplied = MicroUSD.zero
}

/// The owner's data session: the shard's rows in PostgreSQL. Every write goes through
/// ``commit(_:)``, whose first statement is the epoch fence.
public struct ShardStore: Sendable {
    public let client: PostgresClient

    public init(client: PostgresClient) { self.client = client }

    public func backendPID() async throws -> Int32 { try await client.backendPID() }

    /// Bumps the epoch and records the new lease, in one transaction. `lockTimeoutMs` bounds the wait
    /// for a row an old owner's open transaction still holds (the caller then ends that session).
    public func takeOver(shard: Int, shards: Int, stream: String, owner: String, lockPID: Int32, lockTimeoutMs: Int) async throws -> Takeover {
        try await client.transaction { conn in
            let dataPID = conn.backendPID
            try conn.query("SELECT set_config('lock_timeout', \(String(lockTimeoutMs)), true)")
            try conn.query("INSERT INTO shard_progress (shard, shards, stream) VALUES (\(shard), \(shards), \(stream)) ON CONFLICT (shard) DO NOTHING")
            let row = try conn.query("""
                UPDATE shard_progress SET epoch = epoch + 1, owner = \(owner), updated_at = now()
                WHERE shard = \(shard) RETURNING epoch, last_id, shards, stream_incarnation
                """).rows
            guard let r = row.first else { throw StoreInvariantError(description: "shard_progress row \(shard) vanished") }
            let recorded = try r.decode(Int.self, at: 2)
            guard recorded == shards else {
                throw StoreInvariantError(description: "shard \(shard) was created for \(recorded) shards, this process runs with \(shards); resharding is `liqmap reshard` (issue #7)")
            }
            let epoch = try r.decode(Int64.self, at: 0)
            let lastText = try r.decode(String.self, at: 1)
            guard let lastID = StreamID(lastText) else { throw StoreInvariantError(description: "shard \(shard): last_id '\(lastText)' is not a stream id") }
            try conn.query("""
                INSERT INTO shard_leases (shard, epoch, owner, lock_pid, data_pid, heartbeat_at, acquired_at)
                VALUES (\(shard), \(epoch), \(owner), \(lockPID), \(dataPID), now(), now())
                ON CONFLICT (shard) DO UPDATE SET epoch = EXCLUDED.epoch, owner = EXCLUDED.owner, lock_pid = EXCLUDED.lock_pid,
                    data_pid = EXCLUDED.data_pid, heartbeat_at = now(), acquired_at = now()
                """)
            return Takeover(epoch: epoch, lastID: lastID, incarnation: try r.decodeIfPresent(String.self, at: 3))
        }
    }

    /// Records the stream incarnation the owner found, fenced by its epoch; with `lost`, also the
    /// `stream_lost` alarm. False when the epoch has moved on.
    public func recordIncarnation(shard: Int, epoch: Int64, token: String, lost: String?) async throws -> Bool {
        try await client.transaction { conn in
            let updated = try conn.query("""
                UPDATE shard_progress SET stream_incarnation = \(token) WHERE shard = \(shard) AND epoch = \(epoch)
                """)
            guard updated.affectedRows == 1 else { return false }
            if let lost {
                try conn.query("INSERT INTO shard_alarms (shard, kind, detail) VALUES (\(shard), 'stream_lost', \(lost))")
            }
            return true
        }
    }

    /// The batches among `ids` this shard has applied before.
    public func appliedBatches(shard: Int, ids: [BatchID]) async throws -> Set<BatchID> {
        guard !ids.isEmpty else { return [] }
        let srcs = PGArrayLiteral.text(ids.map(\.src)), seqs = PGArrayLiteral.integers(ids.map(\.seq))
        return try await client.withConnection { conn in
            var out = Set<BatchID>()
            for row in try conn.query("""
                SELECT a.src, a.seq FROM applied_batches a
                JOIN unnest(\(srcs)::text[], \(seqs)::bigint[]) AS w(src, seq) ON a.src = w.src AND a.seq = w.seq
                WHERE a.shard = \(shard)
                """).rows {
                out.insert(BatchID(src: try row.decode(String.self, at: 0), seq: try row.decode(Int64.self, at: 1)))
            }
            return out
        }
    }

    /// The projection checkpoint, if any: (stream id it covers, engine JSON).
    public func checkpoint(shard: Int) async throws -> (streamID: String, engine: [UInt8])? {
        try await client.withConnection { conn -> (String, [UInt8])? in
            guard let row = try conn.query("SELECT stream_id, engine FROM shard_checkpoints WHERE shard = \(shard)").rows.first else { return nil }
            return (try row.decode(String.self, at: 0), try row.decode(PGBytes.self, at: 1).bytes)
        }
    }

    /// Records an alarm outside a batch (e.g. entries deleted under the group, seen at takeover).
    public func alarm(shard: Int, kind: String, detail: String) async throws {
        try await client.query("INSERT INTO shard_alarms (shard, kind, detail) VALUES (\(shard), \(kind), \(detail))")
    }

    /// One fenced transaction: fence, applied batches, liquidations (dedup by identity), realized
    /// tiles for the new ones only, dead letters, projected columns, compaction, checkpoint, alarms.
    public func commit(_ work: CommitWork) async throws -> CommitResult {
        try await client.transaction { conn in try Self.commit(work, on: conn) }
    }

    static func commit(_ work: CommitWork, on conn: PGConnection) throws -> CommitResult {
        var result = CommitResult()
        let shard = work.shard
        // 1. The fence. Under READ COMMITTED an UPDATE blocked behind a takeover re-reads the row
        //    and matches nothing once the epoch has moved on.
        let fenced = try conn.query("""
            UPDATE shard_progress SET last_id = \(work.lastID.description), updated_at = now()
            WHERE shard = \(shard) AND epoch = \(work.epoch)
            """)
        guard fenced.affectedRows == 1 else { throw FencedError(shard: shard, epoch: work.epoch) }

        // 2. Entry-level dedup: every new batch must insert its row; one that does not was applied
        //    by someone else since the plan was made, which only a second writer can cause.
        let plan = work.plan
        if !plan.newBatches.isEmpty {
            let inserted = try conn.query("""
                INSERT INTO applied_batches (shard, src, seq, stream_id, events)
                SELECT \(shard), * FROM unnest(\(PGArrayLiteral.text(plan.newBatches.map(\.src)))::text[],
                    \(PGArrayLiteral.integers(plan.newBatches.map(\.seq)))::bigint[],
                    \(PGArrayLiteral.text(plan.newBatches.map(\.streamID)))::text[],
                    \(PGArrayLiteral.integers(plan.newBatches.map(\.events)))::integer[])
                ON CONFLICT DO NOTHING
                """)
            guard inserted.affectedRows == plan.newBatches.count else {
                throw StoreInvariantError(description: "shard \(shard): \(plan.newBatches.count - (inserted.affectedRows ?? 0)) batches were applied concurrently")
            }
        }

        // 3. Liquidations: the identity key (with ts, which it contains: the partition key must be in
        //    the primary key, migration 5) is the primary key, so a duplicate inserts nothing.
        var newKeys = Set<String>()
        if !plan.liquidations.isEmpty {
            let ls = plan.liquidations
            let rows = try conn.query("""
                INSERT INTO realized_liquidations (event_key, venue, feed, instrument, asset, side, ts, price, qty, usd_micros, shard, stream_id)
                SELECT k, v, f, i, a, s, t, p, q, u, \(shard), sid FROM unnest(
                    \(PGArrayLiteral.text(ls.map(\.eventKey)))::text[], \(PGArrayLiteral.text(ls.map(\.venue)))::text[],
                    \(PGArrayLiteral.text(ls.map(\.feed)))::text[], \(PGArrayLiteral.text(ls.map(\.instrument)))::text[],
                    \(PGArrayLiteral.text(ls.map(\.asset)))::text[], \(PGArrayLiteral.text(ls.map(\.side)))::text[],
                    \(PGArrayLiteral.integers(ls.map(\.ts)))::bigint[], \(PGArrayLiteral.doubles(ls.map(\.price)))::float8[],
                    \(PGArrayLiteral.doubles(ls.map(\.qty)))::float8[], \(PGArrayLiteral.integers(ls.map(\.usdMicros)))::bigint[],
                    \(PGArrayLiteral.text(ls.map(\.streamID)))::text[]) AS x(k, v, f, i, a, s, t, p, q, u, sid)
                ON CONFLICT (event_key, ts) DO NOTHING
                RETURNING event_key
                """).rows
            for row in rows { newKeys.insert(try row.decode(String.self, at: 0)) }
            result.duplicateLiquidations = ls.count - newKeys.count
        }

        // 4. Realized tiles: exact additive deltas of the new liquidations only.
        var accumulator = RealizedAccumulator()
        for row in plan.liquidations where newKeys.contains(row.eventKey) {
            accumulator.add(row.event)
            result.usdApplied = result.usdApplied + MicroUSD(micros: row.usdMicros)
        }
        result.liquidationsApplied = accumulator.added
        guard accumulator.rejected.isEmpty else {
            throw StoreInvariantError(description: "the accumulator refused liquidations the plan accepted: \(accumulator.rejected)")
        }
        let deltas = accumulator.take()
        if !deltas.isEmpty {
            let byInstrument = Dictionary(grouping: deltas.keys) { InstrumentKey(venue: $0.venue, instrument: $0.instrument) }
            for (instrument, keys) in byInstrument.sorted(by: { $0.key < $1.key }) {
                var stored: [TileKey: [UInt8]] = [:]
                for row in try conn.query("""
                    SELECT resolution, tile, data FROM tiles
                    WHERE venue = \(instrument.venue.rawValue) AND instrument = \(instrument.instrument) AND layer = 1
                      AND tile = ANY(\(PGArrayLiteral.integers(Set(keys.map(\.tile))))::bigint[])
                    """).rows {
                    guard let resolution = TimeResolution(code: UInt8(try row.decode(Int.self, at: 0))) else { continue }
                    let key = TileKey(venue: instrument.venue, instrument: instrument.instrument, layer: .realized, resolution: resolution,
                                      tile: try row.decode(Int64.self, at: 1))
                    stored[key] = try row.decode(PGBytes.self, at: 2).bytes
                }
                let written = try keys.sorted().map { key in (key, try TileCodec.apply(deltas[key]!, to: stored[key], key: key)) }
                try upsertTiles(conn, written)
                result.tilesWritten += written.count
            }
        }

        // 5. Dead letters: kept whole and acknowledged, never silently dropped.
        for d in plan.deadLetters {
            try conn.query("INSERT INTO dead_letters (shard, stream_id, reason, fields) VALUES (\(shard), \(d.streamID), \(d.reason), \(PGBytes(d.raw)))")
        }

        // 6. Projected columns (idempotent replacements) and compaction of closed tiles.
        for chunk in stride(from: 0, to: work.projectedColumns.count, by: 500) {
            let cs = work.projectedColumns[chunk..<min(chunk + 500, work.projectedColumns.count)]
            try conn.query("""
                INSERT INTO projected_columns (venue, instrument, asset, resolution, tile, col, data, updated_at)
                SELECT v, i, a, r, t, c, d, now() FROM unnest(
                    \(PGArrayLiteral.text(cs.map(\.key.venue.rawValue)))::text[], \(PGArrayLiteral.text(cs.map(\.key.instrument)))::text[],
                    \(PGArrayLiteral.text(cs.map(\.key.asset)))::text[], \(PGArrayLiteral.integers(cs.map { Int($0.key.resolution.code) }))::smallint[],
                    \(PGArrayLiteral.integers(cs.map(\.key.tile)))::bigint[], \(PGArrayLiteral.integers(cs.map { Int($0.column) }))::smallint[],
                    \(PGArrayLiteral.bytea(cs.map { TileCodec.encode($0.cells, key: $0.key) }))::bytea[]) AS x(v, i, a, r, t, c, d)
                ON CONFLICT (venue, instrument, resolution, tile, col) DO UPDATE SET data = EXCLUDED.data, updated_at = now()
                """)
        }
        for c in work.compactBefore { result.tilesWritten += try compact(conn, c.key, c.resolution, before: c.tile) }
        try upsertMarket(conn, work.marketColumns)

        // 7. Retention: whole tiles older than each resolution's window, and old dedup rows.
        if let r = work.retention, !r.instruments.isEmpty {
            let venues = PGArrayLiteral.text(r.instruments.map(\.venue.rawValue)), names = PGArrayLiteral.text(r.instruments.map(\.instrument))
            for (resolution, cutoff) in r.cutoffs {
                for table in ["tiles", "projected_columns"] {
                    let dropped = try conn.query("""
                        DELETE FROM \(identifier: table) t USING unnest(\(venues)::text[], \(names)::text[]) AS k(v, i)
                        WHERE t.venue = k.v AND t.instrument = k.i AND t.resolution = \(Int(resolution.code)) AND t.tile < \(cutoff)
                        """)
                    result.tilesDropped += dropped.affectedRows ?? 0
                }
                try conn.query("""
                    DELETE FROM market_columns t USING unnest(\(venues)::text[], \(names)::text[]) AS k(v, i)
                    WHERE t.venue = k.v AND t.instrument = k.i AND t.resolution = \(Int(resolution.code))
                      AND t.col < \(cutoff * TimeResolution.columnsPerTile)
                    """)
            }
            try conn.query("DELETE FROM applied_batches WHERE shard = \(shard) AND applied_at < now() - make_interval(days => \(r.appliedBatchesDays)::integer)")
        }

        // 8. Checkpoint and alarms.
        if let engine = work.checkpoint {
            try conn.query("""
                INSERT INTO shard_checkpoints (shard, epoch, stream_id, engine, written_at)
                VALUES (\(shard), \(work.epoch), \(work.lastID.description), \(PGBytes(engine)), now())
                ON CONFLICT (shard) DO UPDATE SET epoch = EXCLUDED.epoch, stream_id = EXCLUDED.stream_id, engine = EXCLUDED.engine, written_at = now()
                """)
        }
        for a in work.alarms {
            try conn.query("INSERT INTO shard_alarms (shard, kind, detail) VALUES (\(shard), \(a.kind), \(a.detail))")
        }

        // 9. Tell the gateways (delivered at COMMIT, not at all on rollback): which assets and layers changed.
        if let payload = UpdateNotice(shard: shard, work: work, realizedChanged: result.liquidationsApplied > 0).payload {
            try conn.query("SELECT pg_notify(\(UpdateNotice.channel), \(payload))")
        }
        return result
    }

    /// Upserts market columns: close and open interest replaced, high and low widened (idempotent).
    /// An unknown open interest travels as -1 in the array literal and is stored as NULL.
    static func upsertMarket(_ conn: PGConnection, _ columns: [MarketColumn]) throws {
        for chunk in stride(from: 0, to: columns.count, by: 500) {
            let cs = columns[chunk..<min(chunk + 500, columns.count)]
            try conn.query("""
                INSERT INTO market_columns (venue, instrument, asset, resolution, col, close, high, low, oi_usd, updated_at)
                SELECT v, i, a, r, c, cl, h, l, NULLIF(o, -1), now() FROM unnest(
                    \(PGArrayLiteral.text(cs.map(\.venue.rawValue)))::text[], \(PGArrayLiteral.text(cs.map(\.instrument)))::text[],
                    \(PGArrayLiteral.text(cs.map { InstrumentName.asset(of: $0.instrument) }))::text[],
                    \(PGArrayLiteral.integers(cs.map { Int($0.resolution.code) }))::smallint[], \(PGArrayLiteral.integers(cs.map(\.column)))::bigint[],
                    \(PGArrayLiteral.doubles(cs.map(\.close)))::float8[], \(PGArrayLiteral.doubles(cs.map(\.high)))::float8[],
                    \(PGArrayLiteral.doubles(cs.map(\.low)))::float8[], \(PGArrayLiteral.doubles(cs.map { o in o.openInterestUSD.flatMap { $0.isFinite && $0 >= 0 ? $0 : nil } ?? -1 }))::float8[])
                    AS x(v, i, a, r, c, cl, h, l, o)
                ON CONFLICT (venue, instrument, resolution, col) DO UPDATE SET close = EXCLUDED.close,
                    high = GREATEST(market_columns.high, EXCLUDED.high), low = LEAST(market_columns.low, EXCLUDED.low),
                    oi_usd = COALESCE(EXCLUDED.oi_usd, market_columns.oi_usd), updated_at = now()
                """)
        }
    }

    /// Writes tile rows in one statement per 200 (an `unnest` of arrays, values bound as parameters).
    static func upsertTiles(_ conn: PGConnection, _ tiles: [(TileKey, [UInt8])]) throws {
        for chunk in stride(from: 0, to: tiles.count, by: 200) {
            let ts = tiles[chunk..<min(chunk + 200, tiles.count)]
            let cells = ts.map { TileCodec.cellCount(of: $0.1) }
            try conn.query("""
                INSERT INTO tiles (venue, instrument, asset, layer, resolution, tile, data, cells, updated_at)
                SELECT v, i, a, l, r, t, d, n, now() FROM unnest(
                    \(PGArrayLiteral.text(ts.map(\.0.venue.rawValue)))::text[], \(PGArrayLiteral.text(ts.map(\.0.instrument)))::text[],
                    \(PGArrayLiteral.text(ts.map(\.0.asset)))::text[], \(PGArrayLiteral.integers(ts.map { Int($0.0.layer.code) }))::smallint[],
                    \(PGArrayLiteral.integers(ts.map { Int($0.0.resolution.code) }))::smallint[], \(PGArrayLiteral.integers(ts.map(\.0.tile)))::bigint[],
                    \(PGArrayLiteral.bytea(ts.map(\.1)))::bytea[], \(PGArrayLiteral.integers(cells))::integer[]) AS x(v, i, a, l, r, t, d, n)
                ON CONFLICT (venue, instrument, layer, resolution, tile)
                DO UPDATE SET data = EXCLUDED.data, cells = EXCLUDED.cells, updated_at = now()
                """)
        }
    }

    /// Merges the staged projected columns of tiles before `tile` into their `tiles` rows and deletes
    /// them from staging. Returns the tiles written.
    static func compact(_ conn: PGConnection, _ instrument: InstrumentKey, _ resolution: TimeResolution, before tile: Int64) throws -> Int {
        let staged = try conn.query("""
            DELETE FROM projected_columns
            WHERE venue = \(instrument.venue.rawValue) AND instrument = \(instrument.instrument) AND resolution = \(Int(resolution.code)) AND tile < \(tile)
            RETURNING tile, col, data
            """).rows
        guard !staged.isEmpty else { return 0 }
        var byTile: [Int64: [(UInt8, [UInt8])]] = [:]
        for row in staged {
            byTile[try row.decode(Int64.self, at: 0), default: []].append((UInt8(try row.decode(Int.self, at: 1)), try row.decode(PGBytes.self, at: 2).bytes))
        }
        for (t, columns) in byTile.sorted(by: { $0.key < $1.key }) {
            let key = TileKey(venue: instrument.venue, instrument: instrument.instrument, layer: .projected, resolution: resolution, tile: t)
            let stored = try conn.query("""
                SELECT data FROM tiles WHERE venue = \(key.venue.rawValue) AND instrument = \(key.instrument) AND layer = 2
                  AND resolution = \(Int(resolution.code)) AND tile = \(t)
                """).rows.first.map { try $0.decode(PGBytes.self, at: 0).bytes }
            let replacements = try columns.map { col, blob in ProjectedColumn(key: key, column: col, cells: try TileCodec.decode(blob).cells) }
            try upsertTiles(conn, [(key, try TileCodec.replaceColumns(replacements, of: key, in: stored))])
        }
        return byTile.count
    }
}
