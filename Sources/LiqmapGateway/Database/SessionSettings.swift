/// The libpq settings of the gateway's PostgreSQL sessions: read-only transactions and a
/// statement timeout, set at connection time through `options` (pure).
public struct SessionSettings: Sendable, Equatable {
    /// `statement_timeout`, ms.
    public var statementTimeoutMs: Int
    /// libpq `connect_timeout`, seconds.
    public var connectTimeoutSeconds: Int
    /// A `search_path` to set (tests point it at their own schema), or nil for the server's.
    public var searchPath: String?

    public init(statementTimeoutMs: Int = 2000, connectTimeoutSeconds: Int = 2, searchPath: String? = nil) {
        self.statementTimeoutMs = statementTimeoutMs
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.searchPath = searchPath
    }

    /// The `options` value: `-c default_transaction_read_only=on -c statement_timeout=2000[ -c search_path=…]`.
    public var options: String {
        var options = "-c default_transaction_read_only=on -c statement_timeout=\(statementTimeoutMs)"
        if let searchPath { options += " -c search_path=\(searchPath)" }
        return options
    }

    /// The settings handed to each `PostgresClient`.
    public var libpq: [String: String] {
        ["options": options, "connect_timeout": "\(connectTimeoutSeconds)", "application_name": "liqmap-gateway"]
    }
}
