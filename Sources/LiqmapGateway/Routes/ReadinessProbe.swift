import LiqmapPostgres
import LiqmapRedis

/// Asks Redis for PING and PostgreSQL for `SELECT 1`, both at once.
public struct ReadinessProbe: Sendable {
    public let redis: RedisClient
    public let pool: PostgresPool

    public init(redis: RedisClient, pool: PostgresPool) {
        self.redis = redis
        self.pool = pool
    }

    public func check() async -> Readiness {
        async let redisFailure = redisCheck()
        async let postgresFailure = postgresCheck()
        return await Readiness(redisFailure: redisFailure, postgresFailure: postgresFailure)
    }

    private func redisCheck() async -> String? {
        do {
            let reply = try await redis.send(["PING"])
            return reply.string == "PONG" ? nil : "unexpected PING reply \(reply)"
        } catch {
            return "\(error)"
        }
    }

    private func postgresCheck() async -> String? {
        do {
            let one = try await pool.query("SELECT 1").scalar(Int.self)
            return one == 1 ? nil : "SELECT 1 returned \(one)"
        } catch {
            return "\(error)"
        }
    }
}
