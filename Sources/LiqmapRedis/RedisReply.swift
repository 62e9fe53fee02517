/// A RESP2 reply, copied out of hiredis' reply tree (so it is a plain `Sendable` value).
public indirect enum RedisReply: Sendable, Hashable {
    case status(String)
    case error(String)
    case integer(Int64)
    case bulk([UInt8])
    case null
    case array([RedisReply])

    /// A bulk or status reply as UTF-8 text (nil otherwise, or when not valid UTF-8).
    public var string: String? {
        switch self {
        case .bulk(let bytes): String(validating: bytes, as: UTF8.self)
        case .status(let s): s
        default: nil
        }
    }

    /// The bytes of a bulk reply.
    public var bytes: [UInt8]? {
        if case .bulk(let b) = self { return b }
        return nil
    }

    /// An integer reply, or a bulk reply holding a decimal integer.
    public var int: Int64? {
        switch self {
        case .integer(let i): i
        case .bulk: string.flatMap { Int64($0) }
        default: nil
        }
    }

    /// The elements of an array reply.
    public var array: [RedisReply]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var isNull: Bool { self == .null }

    /// Reads a flat `[key, value, key, value, …]` array (XINFO replies) into a dictionary.
    public var map: [String: RedisReply]? {
        guard let items = array, items.count % 2 == 0 else { return nil }
        var out: [String: RedisReply] = [:]
        var i = 0
        while i < items.count {
            guard let key = items[i].string else { return nil }
            out[key] = items[i + 1]
            i += 2
        }
        return out
    }
}
