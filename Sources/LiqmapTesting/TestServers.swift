import Foundation
import LiqmapPostgres
import LiqmapRedis

/// Where the integration tests find Redis and PostgreSQL: `LIQMAP_TEST_REDIS_URL` and
/// `LIQMAP_TEST_POSTGRES_URL`, defaulting to what `Deploy/local/services up` starts. An unreachable
/// server is a failure with instructions, never a skip.
public enum TestServers {
    public static var redisURL: String {
        ProcessInfo.processInfo.environment["LIQMAP_TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379/15"
    }

    public static var postgresURL: String {
        ProcessInfo.processInfo.environment["LIQMAP_TEST_POSTGRES_URL"] ?? "postgresql://liqmap@127.0.0.1:5432/liqmap_test"
    }

    /// Raised when a test server cannot be reached.
    public struct Unreachable: Error, CustomStringConvertible {
        public let description: String
    }

    /// A client on the shared test Redis, after a PING that must succeed.
    public static func redis() async throws -> RedisClient {
        let client = try RedisClient(url: redisURL)
        do {
            try await client.send(["PING"])
        } catch {
            throw Unreachable(description: "test Redis at \(redisURL) is unreachable (\(error)); start it with `Deploy/local/services up` or set LIQMAP_TEST_REDIS_URL")
        }
        return client
    }

    /// A fresh, uniquely named schema on the shared test database; `client()` gives clients whose
    /// search_path is that schema. Call `drop()` when done.
    public static func schema() async throws -> TestSchema {
        let admin = PostgresClient(conninfo: postgresURL)
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        do {
            try await admin.query("CREATE SCHEMA \(identifier: String(name))")
        } catch let error as PostgresError where error.kind == .connection {
            throw Unreachable(description: "test PostgreSQL at \(postgresURL) is unreachable (\(error)); start it with `Deploy/local/services up` or set LIQMAP_TEST_POSTGRES_URL")
        }
        return TestSchema(name: String(name), admin: admin)
    }

    /// A unique Redis key prefix for one test.
    public static func keyPrefix(_ test: String = #function) -> String {
        "test:\(UUID().uuidString.prefix(8)):\(test.prefix { $0 != "(" })"
    }
}

/// One test's PostgreSQL schema on the shared test database.
public struct TestSchema: Sendable {
    public let name: String
    let admin: PostgresClient

    /// A new client (its own session) whose tables resolve in this schema.
    public func client(_ extra: [String: String] = [:]) -> PostgresClient {
        PostgresClient(conninfo: TestServers.postgresURL, settings: ["options": "-c search_path=\(name)"].merging(extra) { $1 })
    }

    public func drop() async throws {
        try await admin.query("DROP SCHEMA \(identifier: name) CASCADE")
    }
}
