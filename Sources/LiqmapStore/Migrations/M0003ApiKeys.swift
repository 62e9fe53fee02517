extension Migrations {
    /// The gateway's API keys (stored as SHA-256 hashes only) and, where the migrating role may create
    /// roles, the read-only role `liqmap_reader` the gateway can switch to (`--db-role`).
    static let m0003ApiKeys = Migration(version: 3, name: "api_keys", sql: """
        -- One row per API key. The key itself (lqk_ + 64 hex digits, 32 random bytes) is shown once
        -- by `liqmap keys create` and never stored: only its SHA-256. A plain, unsalted SHA-256 is
        -- enough because the key is 256 random bits, not a password: there is nothing to guess and
        -- no table of likely inputs to precompute. `prefix` (lqk_ + 8 hex digits) is for people to
        -- tell keys apart. A revoked key keeps its row; the gateway refuses it.
        CREATE TABLE api_keys (
            id              bigserial PRIMARY KEY,
            name            text    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
            prefix          text    NOT NULL,
            sha256          bytea   NOT NULL UNIQUE CHECK (length(sha256) = 32),
            rate_per_second double precision NOT NULL CHECK (rate_per_second > 0 AND rate_per_second < 'infinity'),
            burst           integer NOT NULL CHECK (burst >= 1),
            created_at      timestamptz NOT NULL DEFAULT now(),
            revoked_at      timestamptz
        );

        -- The gateway's read-only role: NOLOGIN (a login role that is a member switches to it, e.g.
        -- `--db-role liqmap_reader`), USAGE on this schema, SELECT on what the gateway reads, and on
        -- the tables later migrations create here (by the same migrating role). Roles belong to the whole server: another database
        -- or schema may have made it already. A migrating role that may not create roles gets a
        -- NOTICE and the migration goes on; the role's owner can run this part later.
        DO $$
        BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'liqmap_reader') THEN
                BEGIN
                    CREATE ROLE liqmap_reader NOLOGIN;
                EXCEPTION
                    WHEN duplicate_object OR unique_violation THEN NULL;  -- made meanwhile by another migrator
                    WHEN insufficient_privilege THEN
                        RAISE NOTICE 'role liqmap_reader not created: % may not create roles (the gateway''s --db-role needs it)', current_user;
                        RETURN;
                END;
            END IF;
            BEGIN
                EXECUTE format('GRANT USAGE ON SCHEMA %I TO liqmap_reader', current_schema());
                GRANT SELECT ON tiles, projected_columns, realized_liquidations, liqmap_tile_cells, shard_progress, shard_leases, api_keys
                    TO liqmap_reader;
                -- A database that had migration 4 before this one (4 was released first) has market_columns
                -- already; on a new one the default privileges below cover it.
                IF to_regclass('market_columns') IS NOT NULL THEN
                    GRANT SELECT ON market_columns TO liqmap_reader;
                END IF;
                EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT ON TABLES TO liqmap_reader', current_schema());
            EXCEPTION
                WHEN insufficient_privilege THEN
                    RAISE NOTICE 'liqmap_reader not granted read access: % may not grant it (%)', current_user, SQLERRM;
            END;
        END
        $$;
        """)
}
