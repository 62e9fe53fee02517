import LiqmapPostgres

/// The `api_keys` table (migration 3): create, list and revoke keys (`liqmap keys`), and find the
/// grant of a presented key (the gateway). It runs statements through `run`, so it works on a
/// `PostgresClient` and on the gateway's `PostgresPool` alike. Keys never reach the database, only
/// their SHA-256.
public struct ApiKeyStore: Sendable {
    /// One row, as `liqmap keys list` shows it (never the key, which is not stored).
    public struct Record: Sendable, Equatable {
        public var id: Int64
        public var name: String
        public var prefix: String
        public var limit: RateLimit
        /// UTC, ISO 8601 to the second (`2026-01-02T03:04:05Z`).
        public var createdAt: String
        public var revokedAt: String?

        public init(id: Int64, name: String, prefix: String, limit: RateLimit, createdAt: String, revokedAt: String?) {
            self.id = id
            self.name = name
            self.prefix = prefix
            self.limit = limit
            self.createdAt = createdAt
            self.revokedAt = revokedAt
        }
    }

    /// What `revoke` found.
    public enum Revocation: Sendable, Equatable {
        case revoked(name: String)
        case alreadyRevoked(name: String, at: String)
        case noSuchKey
    }

    /// A refused name or limit.
    public struct InvalidKey: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public let run: @Sendable (PGQuery) async throws -> PGResult

    public init(run: @escaping @Sendable (PGQuery) async throws -> PGResult) { self.run = run }

    public init(client: PostgresClient) { self.init { try await client.query($0) } }

    public init(pool: PostgresPool) { self.init { try await pool.query($0) } }

    /// The longest key name.
    public static let maxNameLength = 100

    /// Makes a new key, stores its hash, and returns its id and the key (the only time it exists in full).
    public func create(name: String, limit: RateLimit) async throws -> (id: Int64, token: ApiKeyToken) {
        // Counted in Unicode scalars, as PostgreSQL's length() counts the CHECK's characters.
        let scalars = name.unicodeScalars
        guard !scalars.isEmpty, scalars.count <= Self.maxNameLength, !scalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw InvalidKey(description: "the name must be 1 to \(Self.maxNameLength) characters without control characters")
        }
        guard limit.isValid else { throw InvalidKey(description: "the rate must be > 0 per second and the burst ≥ 1") }
        let token = ApiKeyToken.generate()
        let id = try await run("""
            INSERT INTO api_keys (name, prefix, sha256, rate_per_second, burst)
            VALUES (\(name), \(token.prefix), \(PGBytes(token.sha256.bytes)), \(limit.rate), \(limit.burst))
            RETURNING id
            """).scalar(Int64.self)
        return (id, token)
    }

    /// Every key, oldest first.
    public func list() async throws -> [Record] {
        try await run("""
            SELECT id, name, prefix, rate_per_second, burst, \(unescaped: Self.utc("created_at")), \(unescaped: Self.utc("revoked_at"))
            FROM api_keys ORDER BY id
            """).rows.map { row in
            Record(id: try row.decode(Int64.self, at: 0), name: try row.decode(String.self, at: 1), prefix: try row.decode(String.self, at: 2),
                   limit: RateLimit(rate: try row.decode(Double.self, at: 3), burst: try row.decode(Int.self, at: 4)),
                   createdAt: try row.decode(String.self, at: 5), revokedAt: try row.decodeIfPresent(String.self, at: 6))
        }
    }

    /// Marks a key revoked (now); a revoked key stays listed.
    public func revoke(id: Int64) async throws -> Revocation {
        let updated = try await run("UPDATE api_keys SET revoked_at = now() WHERE id = \(id) AND revoked_at IS NULL RETURNING name")
        if let row = updated.rows.first { return .revoked(name: try row.decode(String.self, at: 0)) }
        let existing = try await run("SELECT name, \(unescaped: Self.utc("revoked_at")) FROM api_keys WHERE id = \(id)")
        guard let row = existing.rows.first else { return .noSuchKey }
        return .alreadyRevoked(name: try row.decode(String.self, at: 0), at: try row.decodeIfPresent(String.self, at: 1) ?? "?")
    }

    /// The grant of the key whose SHA-256 is `digest`, or nil when no live key has it (unknown or revoked).
    /// The stored hash is compared again in constant time, so the answer never rests on a comparison
    /// that stops at the first differing byte.
    public func grant(for digest: SHA256.Digest) async throws -> ApiKeyGrant? {
        let result = try await run("""
            SELECT id, rate_per_second, burst, sha256 FROM api_keys WHERE sha256 = \(PGBytes(digest.bytes)) AND revoked_at IS NULL
            """)
        guard let row = result.rows.first else { return nil }
        guard SHA256.Digest(bytes: try row.decode(PGBytes.self, at: 3).bytes) == digest else { return nil }
        return ApiKeyGrant(id: try row.decode(Int64.self, at: 0),
                           limit: RateLimit(rate: try row.decode(Double.self, at: 1), burst: try row.decode(Int.self, at: 2)))
    }

    /// A timestamp column as UTC ISO 8601 text (NULL stays NULL).
    static func utc(_ column: String) -> String {
        "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
    }
}
