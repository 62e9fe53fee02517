/// Where a Redis Cluster is: seed nodes parsed from `redis-cluster://[:password@]host[:port][,host[:port]…]`.
///
/// The seeds are only where the client first asks for the slot map (`CLUSTER SLOTS`); after that
/// it talks to whichever primaries the map names. One seed is enough; more let the client start
/// while some node is down. The password applies to every node. A cluster has only database 0, so
/// the URL may end in `/0` or nothing.
public struct RedisClusterEndpoint: Sendable, Hashable, CustomStringConvertible {
    public static let scheme = "redis-cluster://"

    public var seeds: [RedisNodeAddress]
    public var password: String?

    public init(seeds: [RedisNodeAddress], password: String? = nil) {
        precondition(!seeds.isEmpty, "a cluster endpoint needs at least one seed node")
        self.seeds = seeds
        self.password = password
    }

    /// Parses a `redis-cluster://` URL; throws `invalidArgument` with the reason.
    public init(url: String) throws(RedisError) {
        guard url.hasPrefix(Self.scheme) else { throw RedisError(.invalidArgument, "'\(url)' is not a redis-cluster:// URL") }
        var rest = Substring(url.dropFirst(Self.scheme.count))
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            password = rest[..<at].split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).last.map(String.init)
            if password?.isEmpty == true { password = nil }
            rest = rest[rest.index(after: at)...]
        }
        if let slash = rest.firstIndex(of: "/") {
            let db = rest[rest.index(after: slash)...]
            guard db.isEmpty || db == "0" else {
                throw RedisError(.invalidArgument, "'\(url)': a Redis Cluster has only database 0")
            }
            rest = rest[..<slash]
        }
        var seeds: [RedisNodeAddress] = []
        for part in rest.split(separator: ",", omittingEmptySubsequences: false) {
            guard !part.isEmpty else { throw RedisError(.invalidArgument, "empty seed node in '\(url)'") }
            if let colon = part.lastIndex(of: ":") {
                guard let node = RedisNodeAddress(part, defaultHost: ""), colon != part.startIndex else {
                    throw RedisError(.invalidArgument, "'\(part)' in '\(url)' is not host:port")
                }
                seeds.append(node)
            } else {
                seeds.append(RedisNodeAddress(host: String(part), port: 6379))
            }
        }
        guard !seeds.isEmpty else { throw RedisError(.invalidArgument, "no seed node in '\(url)'") }
        self.init(seeds: seeds, password: password)
    }

    /// The URL, without the password.
    public var description: String { Self.scheme + seeds.map(\.description).joined(separator: ",") }

    /// How to connect to one node of the cluster.
    func endpoint(_ node: RedisNodeAddress) -> RedisEndpoint {
        RedisEndpoint(host: node.host, port: node.port, password: password, database: 0)
    }
}
