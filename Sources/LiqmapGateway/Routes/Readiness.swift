/// The outcome of `/readyz`: each dependency's check, nil when it answered (pure formatting).
public struct Readiness: Sendable, Equatable {
    /// Why Redis did not answer PING, or nil when it did.
    public var redisFailure: String?
    /// Why PostgreSQL did not answer `SELECT 1`, or nil when it did.
    public var postgresFailure: String?

    public init(redisFailure: String?, postgresFailure: String?) {
        self.redisFailure = redisFailure
        self.postgresFailure = postgresFailure
    }

    public var isReady: Bool { redisFailure == nil && postgresFailure == nil }

    /// 200 `{"status":"ready","checks":{"redis":"ok","postgres":"ok"}}`, or a 503 in the error shape
    /// naming what failed, with the same `checks`.
    public var json: String {
        let checks = "\"checks\":{\"redis\":\(Self.check(redisFailure)),\"postgres\":\(Self.check(postgresFailure))}"
        if isReady { return "{\"status\":\"ready\",\(checks)}" }
        var failed: [String] = []
        if let redisFailure { failed.append("redis: \(redisFailure)") }
        if let postgresFailure { failed.append("postgres: \(postgresFailure)") }
        let error = "{\"code\":\"not_ready\",\"message\":\(JSONText.string(failed.joined(separator: "; ")))}"
        return "{\"error\":\(error),\(checks)}"
    }

    static func check(_ failure: String?) -> String { JSONText.string(failure == nil ? "ok" : "failed") }
}
