/// One Redis Cluster node's address, as `CLUSTER SLOTS` and `MOVED`/`ASK` replies name it.
public struct RedisNodeAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port` (the last colon separates the port, so an IPv6 address without brackets
    /// works, as Redis writes it). An empty host (`:7001`, which Redis sends when it does not know
    /// its own address) becomes `defaultHost`: the host of the node that answered.
    public init?(_ text: Substring, defaultHost: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (1...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.init(host: host.isEmpty ? defaultHost : host, port: port)
    }

    public var description: String { "\(host):\(port)" }

    public static func < (a: RedisNodeAddress, b: RedisNodeAddress) -> Bool {
        (a.host, a.port) < (b.host, b.port)
    }
}
