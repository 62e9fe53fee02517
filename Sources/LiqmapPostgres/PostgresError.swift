/// A failed PostgreSQL call, with the server's message and SQLSTATE when the server sent one.
public struct PostgresError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, broadly.
    public enum Kind: Sendable, Hashable {
        /// Could not connect, or the connection broke (the client reconnects on the next call).
        case connection
        /// The server rejected the statement (see `sqlState`, `message`).
        case server
        /// A value in a row could not be read as the asked type.
        case decoding
        /// The caller asked for something invalid; nothing was sent.
        case invalidArgument
    }

    public let kind: Kind
    /// The server's primary message, or a description of the local failure.
    public let message: String
    /// The five-character SQLSTATE (`23505` unique violation, `40001` serialization failure …).
    public let sqlState: String?
    public let detail: String?
    public let hint: String?

    public init(_ kind: Kind, _ message: String, sqlState: String? = nil, detail: String? = nil, hint: String? = nil) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
    }

    public var description: String {
        var s: String
        switch kind {
        case .connection: s = "postgres connection error: \(message)"
        case .server: s = "postgres error \(sqlState ?? "?????"): \(message)"
        case .decoding: s = "postgres decoding error: \(message)"
        case .invalidArgument: s = "invalid postgres argument: \(message)"
        }
        if let detail { s += " (\(detail))" }
        if let hint { s += " hint: \(hint)" }
        return s
    }
}
