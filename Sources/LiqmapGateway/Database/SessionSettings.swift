/// The libpq settings of the gateway's PostgreSQL sessions: read-only transactions, a statement
/// timeout and optionally a role, set at connection time through `options` (pure).
public struct SessionSettings: Sendable, Equatable {
    /// `statement_timeout`, ms.
    public var statementTimeoutMs: Int
    /// libpq `connect_timeout`, seconds.
    public var connectTimeoutSeconds: Int
    /// A `search_path` to set (tests point it at their own schema), or nil for the server's.
    public var searchPath: String?
    /// A role to switch to at session start (`--db-role liqmap_reader`): the session runs with its
    /// privileges, as after `SET ROLE`. The login role must be a member of it (a superuser is). Nil: none.
    public var role: String?

    public init(statementTimeoutMs: Int = 2000, connectTimeoutSeconds: Int = 2, searchPath: String? = nil, role: String? = nil) {
        self.statementTimeoutMs = statementTimeoutMs
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.searchPath = searchPath
        self.role = role
    }

    /// The `options` value: `-c default_transaction_read_only=on -c statement_timeout=2000[ -c search_path=…][ -c role=…]`.
    public var options: String {
        var options = "-c default_transaction_read_only=on -c statement_timeout=\(statementTimeoutMs)"
        if let searchPath { options += " -c search_path=\(searchPath)" }
        if let role { options += " -c role=\(role)" }
        return options
    }

    /// Whether `name` can be a `role` here: a plain lowercase identifier (`[a-z_][a-z0-9_]*`, at most
    /// 63 bytes), so it needs no quoting inside `options`.
    public static func isRoleName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= 63, first == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first)
        else { return false }
        return bytes.allSatisfy {
            $0 == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
        }
    }

    /// The settings handed to each `PostgresClient`.
    public var libpq: [String: String] {
        ["options": options, "connect_timeout": "\(connectTimeoutSeconds)", "application_name": "liqmap-gateway"]
    }
}
