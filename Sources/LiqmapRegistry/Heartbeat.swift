import Foundation
import LiqmapRedis
import LiqmapStatus
import Logging
import ServiceLifecycle

/// Registers one process in the registry (``RegistryKeys``): every ``RegistryKeys/beatSeconds`` it
/// writes `beat()` as JSON into the hash field `instance`; on a clean shutdown it removes the field,
/// so only processes that died without stopping (kill -9, a lost machine) are reported dead.
/// Redis being away is logged once and retried: a beat is never worth stopping a worker for.
public struct Heartbeat<Beat: Encodable & Sendable>: Service {
    public let key: String
    public let instance: String
    public let redisURL: String
    public let logger: Logger
    public var interval: Double = RegistryKeys.beatSeconds
    let beat: @Sendable () async -> Beat

    public init(key: String, instance: String, redisURL: String, logger: Logger, beat: @escaping @Sendable () async -> Beat) {
        self.key = key
        self.instance = instance
        self.redisURL = redisURL
        self.logger = logger
        self.beat = beat
    }

    public func run() async throws {
        let redis = try RedisClient(url: redisURL, timeout: 2)
        await cancelWhenGracefulShutdown { await self.beatUntilCancelled(redis) }
        _ = try? await redis.send(["HDEL", RedisArgument(key), RedisArgument(instance)])
    }

    func beatUntilCancelled(_ redis: RedisClient) async {
        var failing = false
        while !Task.isCancelled {
            do {
                let json = try StatusJSON.encode(await beat())
                _ = try await redis.send(["HSET", RedisArgument(key), RedisArgument(instance), RedisArgument(bytes: Array(json))])
                if failing { logger.notice("registry beat written again", metadata: ["key": "\(key)"]) }
                failing = false
            } catch {
                if !failing { logger.warning("registry beat failed; retrying", metadata: ["key": "\(key)", "error": "\(error)"]) }
                failing = true
            }
            try? await Task.sleep(for: .milliseconds(Int(interval * 1000)))
        }
    }

    /// Unix milliseconds now.
    public static var nowMs: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
