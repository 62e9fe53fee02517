/// Where a command goes in a Redis Cluster: to the node of the key at an argument index, to any
/// node (no key), or to every primary.
public enum RedisCommandRoute: Sendable, Hashable {
    /// The argument at this index (0 is the command name) is the key that picks the node.
    case key(index: Int)
    /// No key: any node can answer (`PING`, `INFO`, `CONFIG`, `EVAL` with no keys…).
    case anyNode
    /// Every primary must run it (`FLUSHDB`, `FLUSHALL`: each node only flushes its own slots).
    case everyPrimary
}

/// The key-position table of a cluster client: for each command, which argument is its key.
///
/// Commands with several keys (`DEL a b`, `MGET`, `XREAD … STREAMS a b`) are routed by their first
/// key; Redis refuses them with `CROSSSLOT` unless all keys share a slot (use one hash tag). A
/// command this table does not know is routed by its first argument: for a keyless command any node
/// will do, and a wrong guess for a keyed one costs one `MOVED`, never a wrong answer.
public enum RedisCommandKeys {
    /// The route of `arguments` (the command name first).
    public static func route(_ arguments: [RedisArgument]) -> RedisCommandRoute {
        route(count: arguments.count) { arguments[$0].bytes[...] }
    }

    /// The route of a command given as strings (for tests and diagnostics).
    public static func route(_ arguments: [String]) -> RedisCommandRoute {
        route(arguments.map { RedisArgument($0) })
    }

    /// The route of a command of `count` arguments, read through `argument(i)`.
    public static func route(count: Int, argument: (Int) -> ArraySlice<UInt8>) -> RedisCommandRoute {
        guard count > 0, let name = upper(argument(0)) else { return .anyNode }
        switch table[name] {
        case .none:
            return count > 1 ? .key(index: 1) : .anyNode
        case .some(.keyless):
            return .anyNode
        case .some(.broadcast):
            return .everyPrimary
        case .some(.first):
            return count > 1 ? .key(index: 1) : .anyNode
        case .some(.afterSubcommand(let subcommands)):
            guard count > 2, let sub = upper(argument(1)), subcommands.contains(sub) else { return .anyNode }
            return .key(index: 2)
        case .some(.streams(let firstOption)):
            // XREAD [COUNT n] [BLOCK ms] STREAMS key… id…; XREADGROUP GROUP g c [COUNT n] [BLOCK ms] [NOACK] STREAMS …
            var i = firstOption
            while i < count {
                switch upper(argument(i)) {
                case "COUNT", "BLOCK": i += 2
                case "NOACK": i += 1
                case "STREAMS": return i + 1 < count ? .key(index: i + 1) : .anyNode
                default: return .anyNode  // malformed: the server answers with a syntax error
                }
            }
            return .anyNode
        case .some(.numkeys):
            // EVAL script numkeys key… arg…
            guard count > 3, let text = upper(argument(2)), let numkeys = Int(text), numkeys > 0 else { return .anyNode }
            return .key(index: 3)
        case .some(.migrate):
            // MIGRATE host port key|"" db timeout [COPY] [REPLACE] [AUTH pw | AUTH2 user pw] [KEYS key…]
            guard count > 3 else { return .anyNode }
            if !argument(3).isEmpty { return .key(index: 3) }
            var i = 6
            while i < count {
                if upper(argument(i)) == "KEYS" { return i + 1 < count ? .key(index: i + 1) : .anyNode }
                i += 1
            }
            return .anyNode
        }
    }

    enum Position {
        case keyless
        case broadcast
        case first
        case afterSubcommand(Set<String>)
        case streams(firstOption: Int)
        case numkeys
        case migrate
    }

    /// Every command this code base sends, and the common ones around them.
    static let table: [String: Position] = {
        var t: [String: Position] = [:]
        for name in [
            // strings and keys
            "GET", "SET", "SETNX", "SETEX", "PSETEX", "GETSET", "GETDEL", "GETEX", "APPEND", "STRLEN", "INCR", "INCRBY",
            "INCRBYFLOAT", "DECR", "DECRBY", "GETRANGE", "SETRANGE", "GETBIT", "SETBIT", "BITCOUNT", "BITPOS", "MGET", "MSET",
            "MSETNX", "DEL", "UNLINK", "EXISTS", "TOUCH", "TYPE", "EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT", "EXPIRETIME",
            "PEXPIRETIME", "PERSIST", "TTL", "PTTL", "DUMP", "RESTORE", "RENAME", "RENAMENX", "COPY", "SORT", "SORT_RO", "WATCH",
            "PFADD", "PFCOUNT", "PFMERGE", "LCS",
            // hashes
            "HSET", "HSETNX", "HMSET", "HGET", "HMGET", "HGETALL", "HDEL", "HEXISTS", "HLEN", "HKEYS", "HVALS", "HINCRBY",
            "HINCRBYFLOAT", "HSTRLEN", "HSCAN", "HRANDFIELD",
            // lists, sets, sorted sets
            "LPUSH", "RPUSH", "LPUSHX", "RPUSHX", "LPOP", "RPOP", "LRANGE", "LLEN", "LTRIM", "LINDEX", "LSET", "LREM", "LINSERT",
            "LPOS", "LMOVE", "RPOPLPUSH", "BLPOP", "BRPOP", "BLMOVE", "SADD", "SREM", "SMEMBERS", "SISMEMBER", "SMISMEMBER",
            "SCARD", "SPOP", "SRANDMEMBER", "SSCAN", "SINTER", "SUNION", "SDIFF", "ZADD", "ZREM", "ZRANGE", "ZRANGEBYSCORE",
            "ZREVRANGE", "ZREVRANGEBYSCORE", "ZRANK", "ZREVRANK", "ZSCORE", "ZMSCORE", "ZCARD", "ZCOUNT", "ZINCRBY", "ZSCAN",
            "ZREMRANGEBYSCORE", "ZREMRANGEBYRANK", "ZPOPMIN", "ZPOPMAX", "BZPOPMIN", "BZPOPMAX",
            // streams
            "XADD", "XRANGE", "XREVRANGE", "XLEN", "XTRIM", "XDEL", "XACK", "XCLAIM", "XAUTOCLAIM", "XPENDING", "XSETID",
        ] { t[name] = .first }
        for name in [
            "PING", "ECHO", "INFO", "TIME", "DBSIZE", "CONFIG", "CLUSTER", "CLIENT", "COMMAND", "SCRIPT", "FUNCTION", "AUTH",
            "HELLO", "SELECT", "READONLY", "READWRITE", "ASKING", "LASTSAVE", "SAVE", "BGSAVE", "BGREWRITEAOF", "SLOWLOG",
            "LATENCY", "RANDOMKEY", "KEYS", "SCAN", "WAIT", "PUBLISH", "MULTI", "EXEC", "DISCARD", "UNWATCH", "ACL", "ROLE",
            "QUIT", "RESET", "SHUTDOWN", "MONITOR", "DEBUG", "SWAPDB", "LOLWUT", "MODULE", "FAILOVER", "REPLICAOF", "SLAVEOF",
        ] { t[name] = .keyless }
        t["FLUSHDB"] = .broadcast
        t["FLUSHALL"] = .broadcast
        t["XINFO"] = .afterSubcommand(["STREAM", "GROUPS", "CONSUMERS"])
        t["XGROUP"] = .afterSubcommand(["CREATE", "DESTROY", "SETID", "CREATECONSUMER", "DELCONSUMER"])
        t["OBJECT"] = .afterSubcommand(["ENCODING", "FREQ", "IDLETIME", "REFCOUNT"])
        t["MEMORY"] = .afterSubcommand(["USAGE"])
        t["XREAD"] = .streams(firstOption: 1)
        t["XREADGROUP"] = .streams(firstOption: 4)  // after GROUP <group> <consumer>
        for name in ["EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO"] { t[name] = .numkeys }
        t["MIGRATE"] = .migrate
        return t
    }()

    /// An argument upper-cased as ASCII, when it is short enough to be a command or option name.
    static func upper(_ bytes: ArraySlice<UInt8>) -> String? {
        guard bytes.count <= 24 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        for b in bytes { out.append(b >= 97 && b <= 122 ? b - 32 : b) }
        return String(decoding: out, as: UTF8.self)
    }
}
