/// Where a Redis server is: parsed from `redis://[:password@]host[:port][/db]`.
public struct RedisEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var password: String?
    public var database: Int

    public init(host: String = "127.0.0.1", port: Int = 6379, password: String? = nil, database: Int = 0) {
        self.host = host
        self.port = port
        self.password = password
        self.database = database
    }

    /// Parses a `redis://` URL; throws `invalidArgument` with the reason.
    public init(url: String) throws(RedisError) {
        let scheme = "redis://"
        guard url.hasPrefix(scheme) else { throw RedisError(.invalidArgument, "'\(url)' is not a redis:// URL") }
        var rest = Substring(url.dropFirst(scheme.count))
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            // `user:password` or `:password`; Redis 6 ACL users are not used here.
            password = userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).last.map(String.init)
            if password?.isEmpty == true { password = nil }
        }
        var database = 0
        if let slash = rest.firstIndex(of: "/") {
            let db = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
            if !db.isEmpty {
                guard let n = Int(db), n >= 0 else { throw RedisError(.invalidArgument, "database '\(db)' in '\(url)' is not a number") }
                database = n
            }
        }
        var host = String(rest)
        var port = 6379
        if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            guard let p = Int(rest[rest.index(after: colon)...]), (1...65535).contains(p) else {
                throw RedisError(.invalidArgument, "port in '\(url)' is not a port number")
            }
            port = p
        }
        guard !host.isEmpty else { throw RedisError(.invalidArgument, "no host in '\(url)'") }
        self.init(host: host, port: port, password: password, database: database)
    }

    /// The URL, without the password.
    public var description: String { "redis://\(host):\(port)/\(database)" }
}
