import LiqmapPostgres

/// The gateway's read-only role `liqmap_reader` (migration 3): whether it exists and may read this
/// schema (`liqmap migrate` warns when not, since the migration only leaves a server NOTICE).
public enum ReaderRole {
    public static let name = "liqmap_reader"

    public enum Status: Sendable, Equatable {
        /// It exists and may read `api_keys` here.
        case ready
        /// No such role: the migrating role may not create roles.
        case missing
        /// It exists but has no SELECT on this schema's `api_keys`.
        case notGranted
    }

    public static func status(_ client: PostgresClient) async throws -> Status {
        guard try await client.query("SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = \(name))").scalar(Bool.self) else {
            return .missing
        }
        let granted = try await client.query("SELECT has_table_privilege(\(name), 'api_keys', 'SELECT')").scalar(Bool.self)
        return granted ? .ready : .notGranted
    }
}
