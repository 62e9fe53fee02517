extension Migrations {
    /// The price line and open interest the views draw and weigh by (issue #6): one row per
    /// instrument, resolution and column, written by the shard owner at each checkpoint.
    static let m0004Market = Migration(version: 4, name: "market_columns", sql: """
        -- Mark price close/high/low and open interest (USD, NULL when the venue sent none) of one
        -- column (resolution 1..7 as in tiles; col = floor(ts / column width)). Idempotent upserts:
        -- close and oi replaced, high/low widened.
        CREATE TABLE market_columns (
            venue      text     NOT NULL,
            instrument text     NOT NULL,
            asset      text     NOT NULL,
            resolution smallint NOT NULL CHECK (resolution BETWEEN 1 AND 7),
            col        bigint   NOT NULL,
            close      double precision NOT NULL,
            high       double precision NOT NULL,
            low        double precision NOT NULL,
            oi_usd     double precision,
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (venue, instrument, resolution, col)
        );
        CREATE INDEX market_columns_by_asset ON market_columns (asset, resolution, col);
        """)
}
