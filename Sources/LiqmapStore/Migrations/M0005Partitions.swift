extension Migrations {
    /// Time partitions (issue #7): `realized_liquidations` by RANGE on `ts`, monthly; `tiles` by LIST on
    /// `resolution`, the resolutions whose tiles are shorter than a month (1m … 1h) then by RANGE on
    /// `tile`, monthly (Protocols/tiles.md § Partitions). Every row is copied, in this transaction.
    static let m0005Partitions = Migration(version: 5, name: "partitions", sql: """
        -- The old tables step aside (with their index names, which are unique per schema); the
        -- partitioned ones take their names; the rows are copied; the view is re-pointed; the old
        -- tables go. All in the migrator's one transaction: a failure leaves migration 4's tables.
        ALTER TABLE realized_liquidations RENAME TO realized_liquidations_m4;
        ALTER TABLE realized_liquidations_m4 RENAME CONSTRAINT realized_liquidations_pkey TO realized_liquidations_m4_pkey;
        ALTER INDEX realized_liquidations_asset_ts RENAME TO realized_liquidations_m4_asset_ts;
        ALTER TABLE tiles RENAME TO tiles_m4;
        ALTER TABLE tiles_m4 RENAME CONSTRAINT tiles_pkey TO tiles_m4_pkey;
        ALTER INDEX tiles_by_asset RENAME TO tiles_m4_by_asset;

        -- One row per distinct liquidation, as in migration 2. The partition key must be in the
        -- primary key, so it is (event_key, ts): the same uniqueness, because event_key
        -- (NormalizedEvent.identityKey, feed|symbol|l|side|ts|price|qty) already holds ts, so one
        -- event_key never comes with two times. Monthly partitions realized_liquidations_YYYYMM
        -- hold [first ms of the UTC month, first ms of the next); realized_liquidations_default
        -- takes a row of any month without one, so no event is ever refused.
        CREATE TABLE realized_liquidations (
            event_key  text    NOT NULL,
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
            applied_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (event_key, ts)
        ) PARTITION BY RANGE (ts);
        CREATE INDEX realized_liquidations_asset_ts ON realized_liquidations (asset, ts) INCLUDE (venue, side, usd_micros);
        CREATE TABLE realized_liquidations_default PARTITION OF realized_liquidations DEFAULT;

        -- Tiles, as in migration 2, first by resolution: each resolution's tile index is its own
        -- time axis (a tile starts at tile * 256 columns * the column width), and each resolution
        -- has its own retention window, so each can drop its own months. 1m … 1h are then split by
        -- RANGE on tile: tiles_<res>_YYYYMM holds the tiles that start in that UTC month,
        -- [ceil(month start / tile span), ceil(next month start / tile span)), and tiles_<res>_default
        -- the rest. 4h and 12h tiles (42.7 and 128 days) outlast a month and are kept for ever: one
        -- plain partition each. The primary key is unchanged: it already holds resolution and tile.
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
        ) PARTITION BY LIST (resolution);
        CREATE INDEX tiles_by_asset ON tiles (asset, layer, resolution, tile);
        CREATE TABLE tiles_1m PARTITION OF tiles FOR VALUES IN (1) PARTITION BY RANGE (tile);
        CREATE TABLE tiles_3m PARTITION OF tiles FOR VALUES IN (2) PARTITION BY RANGE (tile);
        CREATE TABLE tiles_5m PARTITION OF tiles FOR VALUES IN (3) PARTITION BY RANGE (tile);
        CREATE TABLE tiles_15m PARTITION OF tiles FOR VALUES IN (4) PARTITION BY RANGE (tile);
        CREATE TABLE tiles_1h PARTITION OF tiles FOR VALUES IN (5) PARTITION BY RANGE (tile);
        CREATE TABLE tiles_4h PARTITION OF tiles FOR VALUES IN (6);
        CREATE TABLE tiles_12h PARTITION OF tiles FOR VALUES IN (7);
        CREATE TABLE tiles_1m_default PARTITION OF tiles_1m DEFAULT;
        CREATE TABLE tiles_3m_default PARTITION OF tiles_3m DEFAULT;
        CREATE TABLE tiles_5m_default PARTITION OF tiles_5m DEFAULT;
        CREATE TABLE tiles_15m_default PARTITION OF tiles_15m DEFAULT;
        CREATE TABLE tiles_1h_default PARTITION OF tiles_1h DEFAULT;

        -- A monthly partition for every month that holds rows, and for this month and the next two
        -- (partition maintenance keeps that many ahead). Rows before 1970 or after 9999 stay in the
        -- default partitions. The names and bounds are PartitionedTable's (a test compares them).
        DO $$
        DECLARE
            m timestamp;
            r record;
            span bigint;
        BEGIN
            FOR m IN
                SELECT DISTINCT date_trunc('month', timestamp '1970-01-01' + (ts / 1000) * interval '1 second')
                FROM realized_liquidations_m4 WHERE ts BETWEEN 0 AND 253402300799999
                UNION
                SELECT date_trunc('month', now() AT TIME ZONE 'UTC') + k * interval '1 month' FROM generate_series(0, 2) AS k
            LOOP
                EXECUTE format('CREATE TABLE %I PARTITION OF realized_liquidations FOR VALUES FROM (%s) TO (%s)',
                    'realized_liquidations_' || to_char(m, 'YYYYMM'),
                    (extract(epoch FROM m) * 1000)::bigint, (extract(epoch FROM m + interval '1 month') * 1000)::bigint);
            END LOOP;
            FOR r IN SELECT * FROM (VALUES (1, '1m', 1), (2, '3m', 3), (3, '5m', 5), (4, '15m', 15), (5, '1h', 60)) AS v(code, name, minutes) LOOP
                span := 256 * r.minutes * 60000;
                FOR m IN
                    SELECT DISTINCT date_trunc('month', timestamp '1970-01-01' + (tile * span / 1000) * interval '1 second')
                    FROM tiles_m4 WHERE resolution = r.code AND tile BETWEEN 0 AND 253402300799999 / span
                    UNION
                    SELECT date_trunc('month', now() AT TIME ZONE 'UTC') + k * interval '1 month' FROM generate_series(0, 2) AS k
                LOOP
                    EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%s) TO (%s)',
                        'tiles_' || r.name || '_' || to_char(m, 'YYYYMM'), 'tiles_' || r.name,
                        ceil(extract(epoch FROM m) * 1000 / span)::bigint, ceil(extract(epoch FROM m + interval '1 month') * 1000 / span)::bigint);
                END LOOP;
            END LOOP;
        END
        $$;

        INSERT INTO realized_liquidations (event_key, venue, feed, instrument, asset, side, ts, price, qty, usd_micros, shard, stream_id, applied_at)
        SELECT event_key, venue, feed, instrument, asset, side, ts, price, qty, usd_micros, shard, stream_id, applied_at FROM realized_liquidations_m4;
        INSERT INTO tiles (venue, instrument, asset, layer, resolution, tile, data, cells, updated_at)
        SELECT venue, instrument, asset, layer, resolution, tile, data, cells, updated_at FROM tiles_m4;

        -- The read view, as in migration 2, re-pointed at the new tiles (its grants stay).
        CREATE OR REPLACE VIEW liqmap_tile_cells AS
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

        -- liqmap_reader keeps reading what it read (default privileges cover tables this role makes,
        -- but the old tables' grants may have come from another role).
        DO $$
        BEGIN
            IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'liqmap_reader') THEN
                IF has_table_privilege('liqmap_reader', 'realized_liquidations_m4', 'SELECT') THEN
                    GRANT SELECT ON realized_liquidations TO liqmap_reader;
                END IF;
                IF has_table_privilege('liqmap_reader', 'tiles_m4', 'SELECT') THEN
                    GRANT SELECT ON tiles TO liqmap_reader;
                END IF;
            END IF;
        EXCEPTION
            WHEN insufficient_privilege THEN
                RAISE NOTICE 'liqmap_reader not granted the partitioned tables: % may not grant it (%)', current_user, SQLERRM;
        END
        $$;

        DROP TABLE realized_liquidations_m4;
        DROP TABLE tiles_m4;
        """)
}
