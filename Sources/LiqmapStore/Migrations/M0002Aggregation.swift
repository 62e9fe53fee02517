extension Migrations {
    /// The aggregators' tables (issue #5): realized liquidations (the exact record and the dedup key),
    /// tiles, staged projected columns, shard leases, applied batches, checkpoints, dead letters, alarms, and
    /// the documented read view `liqmap_tile_cells` (Protocols/tiles.md).
    static let m0002Aggregation = Migration(version: 2, name: "aggregation", sql: """
        -- One row per distinct liquidation the realized layer has counted. The primary key is the
        -- event's identity (NormalizedEvent.identityKey: feed|symbol|l|side|ts|price|qty), so a
        -- duplicate (collector reconnect, re-sent batch, re-delivered entry) inserts nothing and
        -- changes no tile. usd_micros is the exact amount every tile cell sums (MicroUSD, 1e-6 USD).
        CREATE TABLE realized_liquidations (
            event_key  text    PRIMARY KEY,
            venue      text    NOT NULL,
            feed       text    NOT NULL,
            instrument text    NOT NULL,
            asset      text    NOT NULL,
            side       text    NOT NULL CHECK (side IN ('long', 'short')),
            ts         bigint  NOT NULL,
            price      double precision NOT NULL,
            qty        double precision NOT NULL,
            usd_micros bigint  NOT NULL CHECK (usd_micros >= 0),
            shard      integer NOT NULL,
            stream_id  text    NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX realized_liquidations_asset_ts ON realized_liquidations (asset, ts) INCLUDE (venue, side, usd_micros);

        -- A tile: one row, one packed binary array (TileCodec v1, docs/MODEL.md §4). layer 1 =
        -- realized, 2 = projected; resolution 1..7 = 1m, 3m, 5m, 15m, 1h, 4h, 12h. One writer per
        -- row: the owner of the shard the (venue, instrument) hashes to.
        CREATE TABLE tiles (
            venue      text     NOT NULL,
            instrument text     NOT NULL,
            asset      text     NOT NULL,
            layer      smallint NOT NULL CHECK (layer IN (1, 2)),
            resolution smallint NOT NULL CHECK (resolution BETWEEN 1 AND 7),
            tile       bigint   NOT NULL,
            data       bytea    NOT NULL,
            cells      integer  NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (venue, instrument, layer, resolution, tile)
        );
        CREATE INDEX tiles_by_asset ON tiles (asset, layer, resolution, tile);

        -- Projected columns of tiles that are still open, one row each (a TileCodec v1 blob holding
        -- that one column). When a tile's last column closes, its columns are merged into one
        -- `tiles` row and deleted here, in the same transaction.
        CREATE TABLE projected_columns (
            venue      text     NOT NULL,
            instrument text     NOT NULL,
            asset      text     NOT NULL,
            resolution smallint NOT NULL CHECK (resolution BETWEEN 1 AND 7),
            tile       bigint   NOT NULL,
            col        smallint NOT NULL CHECK (col BETWEEN 0 AND 255),
            data       bytea    NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (venue, instrument, resolution, tile, col)
        );
        CREATE INDEX projected_columns_by_asset ON projected_columns (asset, resolution, tile);

        -- Who owns a shard now: the epoch it took over with, the two backend pids it writes and
        -- holds the advisory lock through (a standby terminates both when the heartbeat is stale),
        -- and its heartbeat. The fence itself is shard_progress.epoch.
        CREATE TABLE shard_leases (
            shard        integer PRIMARY KEY CHECK (shard >= 0),
            epoch        bigint  NOT NULL,
            owner        text    NOT NULL,
            lock_pid     integer NOT NULL,
            data_pid     integer NOT NULL,
            heartbeat_at timestamptz NOT NULL DEFAULT now(),
            acquired_at  timestamptz NOT NULL DEFAULT now()
        );

        -- Every stream entry (one producer batch) a shard has applied, by the producer's (src, seq):
        -- the entry-level dedup. A re-delivered entry, or a batch re-sent after a lost XADD reply,
        -- finds its row and changes nothing, in whatever order it arrives.
        CREATE TABLE applied_batches (
            shard      integer NOT NULL,
            src        text    NOT NULL,
            seq        bigint  NOT NULL,
            stream_id  text    NOT NULL,
            events     integer NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (shard, src, seq)
        );

        -- The projected model's state (ProjectionEngine, JSON) as of stream position stream_id,
        -- written in a fenced batch transaction, so a new owner continues the book.
        CREATE TABLE shard_checkpoints (
            shard      integer PRIMARY KEY,
            epoch      bigint  NOT NULL,
            stream_id  text    NOT NULL,
            engine     bytea   NOT NULL,
            written_at timestamptz NOT NULL DEFAULT now()
        );

        -- Stream entries an aggregator could not read (unknown encoding, bad count, bad event):
        -- kept whole, acknowledged, counted; never silently dropped.
        CREATE TABLE dead_letters (
            id        bigserial PRIMARY KEY,
            shard     integer NOT NULL,
            stream_id text    NOT NULL,
            reason    text    NOT NULL,
            fields    bytea   NOT NULL,
            at        timestamptz NOT NULL DEFAULT now()
        );

        -- Alarms an operator must see: pending entries deleted under the group (XAUTOCLAIM's third
        -- reply element), a stream that vanished, fenced writes.
        CREATE TABLE shard_alarms (
            id     bigserial PRIMARY KEY,
            shard  integer NOT NULL,
            kind   text    NOT NULL,
            detail text    NOT NULL,
            at     timestamptz NOT NULL DEFAULT now()
        );

        -- Little-endian integers out of a bytea, for the read view.
        CREATE FUNCTION liqmap_le_int(b bytea, off integer, len integer) RETURNS bigint
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
            SELECT sum((get_byte(b, off + i)::bigint) << (8 * i))::bigint FROM generate_series(0, len - 1) AS i
        $$;

        -- The documented read view for downstream services (Protocols/tiles.md): every stored cell of
        -- every tile, closed tiles and open projected columns alike, one row per cell.
        CREATE VIEW liqmap_tile_cells AS
        WITH blobs AS (
            SELECT venue, instrument, asset, layer, resolution, tile, data FROM tiles
            UNION ALL
            SELECT venue, instrument, asset, 2::smallint, resolution, tile, data FROM projected_columns
        ), sized AS (
            SELECT b.*, CASE WHEN get_byte(data, 7) & 1 = 1 THEN 30 ELSE 22 END AS cell_size,
                   liqmap_le_int(data, 16, 4)::integer AS n
            FROM blobs b
        )
        SELECT venue, instrument, asset,
               CASE layer WHEN 1 THEN 'realized' ELSE 'projected' END AS layer,
               (ARRAY['1m','3m','5m','15m','1h','4h','12h'])[resolution] AS resolution,
               tile,
               c.col,
               (tile * 256 + c.col) * minutes * 60000 AS column_start_ms,
               minutes * 60000 AS column_ms,
               c.price_level,
               c.price_row,
               power(1.0002::float8, c.price_row::float8 * (1 << c.price_level)) AS price_low,
               power(1.0002::float8, (c.price_row + 1)::float8 * (1 << c.price_level)) AS price_high,
               c.tier,
               (liqmap_le_int(data, c.off + 6, 8)::numeric / 1000000)::numeric(24, 6) AS long_usd,
               (liqmap_le_int(data, c.off + 14, 8)::numeric / 1000000)::numeric(24, 6) AS short_usd,
               CASE WHEN cell_size = 30 THEN liqmap_le_int(data, c.off + 22, 4) END AS long_count,
               CASE WHEN cell_size = 30 THEN liqmap_le_int(data, c.off + 26, 4) END AS short_count
        FROM sized
        CROSS JOIN LATERAL generate_series(0, n - 1) AS k
        CROSS JOIN LATERAL (
            SELECT 24 + k * cell_size AS off,
                   get_byte(data, 24 + k * cell_size) AS col,
                   get_byte(data, 24 + k * cell_size + 1) AS tier,
                   get_byte(data, 20) AS price_level,
                   (liqmap_le_int(data, 24 + k * cell_size + 2, 4)
                       - CASE WHEN get_byte(data, 24 + k * cell_size + 5) >= 128 THEN 4294967296 ELSE 0 END)::integer AS price_row
        ) c
        CROSS JOIN LATERAL (SELECT (ARRAY[1,3,5,15,60,240,720])[resolution]::bigint AS minutes) m;
        """)
}
