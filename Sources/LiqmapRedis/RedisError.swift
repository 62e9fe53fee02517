/// A failed Redis call. `connection` errors mean the socket is gone (the client reconnects on the
/// next call); `server` errors carry the server's own message (`ERR …`, `BUSYGROUP …`, `NOGROUP …`).
public struct RedisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, broadly.
    public enum Kind: Sendable, Hashable {
        /// Could not connect, or the connection broke during the call.
        case connection
        /// The server answered with an error reply.
        case server
        /// The reply had a shape this code did not expect.
        case unexpectedReply
        /// The URL or an argument was invalid; nothing was sent.
        case invalidArgument
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The first word of a server error (`BUSYGROUP`, `NOGROUP`, `ERR`), if this is one.
    public var serverCode: String? {
        guard kind == .server else { return nil }
        return message.split(separator: " ", maxSplits: 1).first.map(String.init)
    }

    public var description: String {
        switch kind {
        case .connection: "redis connection error: \(message)"
        case .server: "redis server error: \(message)"
        case .unexpectedReply: "unexpected redis reply: \(message)"
        case .invalidArgument: "invalid redis argument: \(message)"
        }
    }
}
