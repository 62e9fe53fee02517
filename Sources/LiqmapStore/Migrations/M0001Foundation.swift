extension Migrations {
    /// The frame every later migration builds on: cluster identity and aggregator shard progress.
    static let m0001Foundation = Migration(version: 1, name: "foundation", sql: """
        -- Facts about this cluster's data, e.g. the stream encoding version the tiles were built from.
        CREATE TABLE cluster_info (
            key        text PRIMARY KEY,
            value      text NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now()
        );
        INSERT INTO cluster_info (key, value) VALUES ('stream_encoding', '1');

        -- Progress and ownership of each aggregator shard. Progress lives only here, never in Redis:
        -- a batch commits its tile changes and `last_id` in one transaction, guarded by `epoch`
        -- (the fencing token a takeover bumps), and is acknowledged on Redis only after COMMIT.
        CREATE TABLE shard_progress (
            shard      integer PRIMARY KEY CHECK (shard >= 0),
            shards     integer NOT NULL CHECK (shards > shard),
            stream     text    NOT NULL,
            epoch      bigint  NOT NULL DEFAULT 0 CHECK (epoch >= 0),
            owner      text,
            last_id    text    NOT NULL DEFAULT '0-0',
            updated_at timestamptz NOT NULL DEFAULT now()
        );
        """)
}
