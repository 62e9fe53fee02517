import LiqmapRedis
import LiqmapStatus

/// Reads and writes the shard layout hash (``RegistryKeys/layout``) and the publishers' holds.
public enum ShardLayoutStore {
    /// The layout, or nil when none was ever written.
    public static func read(_ redis: RedisClient) async throws -> ShardLayout? {
        let fields = try await hash(redis, RegistryKeys.layout)
        return fields.isEmpty ? nil : ShardLayout(fields: fields)
    }

    /// The layout; when none exists yet, `shards` (the configured count) becomes it. HSETNX keeps
    /// two processes starting at once from disagreeing.
    public static func ensure(_ redis: RedisClient, shards: Int) async throws -> ShardLayout {
        if let layout = try await read(redis) { return layout }
        for (k, v) in ShardLayout(shards: shards).fields {
            _ = try await redis.send(["HSETNX", RedisArgument(RegistryKeys.layout), RedisArgument(k), RedisArgument(v)])
        }
        guard let layout = try await read(redis) else { throw RedisError(.unexpectedReply, "the shard layout hash is unreadable") }
        return layout
    }

    /// Replaces the layout (only `liqmap reshard` does this).
    public static func write(_ redis: RedisClient, _ layout: ShardLayout) async throws {
        var args: [RedisArgument] = ["HSET", RedisArgument(RegistryKeys.layout)]
        for (k, v) in layout.fields { args += [RedisArgument(k), RedisArgument(v)] }
        _ = try await redis.send(args)
    }

    /// Records that the publisher `source` holds its events for `generation`'s reshard.
    public static func hold(_ redis: RedisClient, source: String, generation: Int) async throws {
        _ = try await redis.send(["HSET", RedisArgument(RegistryKeys.layoutHolds), RedisArgument(source), RedisArgument(generation)])
    }

    /// The publishers holding, with the generation each holds for.
    public static func holds(_ redis: RedisClient) async throws -> [String: Int] {
        try await hash(redis, RegistryKeys.layoutHolds).compactMapValues(Int.init)
    }

    public static func clearHolds(_ redis: RedisClient) async throws {
        _ = try await redis.send(["DEL", RedisArgument(RegistryKeys.layoutHolds)])
    }

    /// A hash's text fields (HGETALL).
    static func hash(_ redis: RedisClient, _ key: String) async throws -> [String: String] {
        let items = try await redis.send(["HGETALL", RedisArgument(key)]).array ?? []
        var out: [String: String] = [:]
        var i = 0
        while i + 1 < items.count {
            if let k = items[i].string, let v = items[i + 1].string { out[k] = v }
            i += 2
        }
        return out
    }
}
