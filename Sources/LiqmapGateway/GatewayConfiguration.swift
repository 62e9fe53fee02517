import LiqmapAggregation

/// Where the gateway listens and what it reads from.
public struct GatewayConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var redisURL: String
    /// libpq conninfo or URL of the primary (may hold a password: never logged). The notice
    /// listener's `LISTEN` session connects here: NOTIFY is not delivered on a physical standby.
    public var postgresURL: String
    /// Where the read pool connects (a read replica), or nil for `postgresURL`. Everything the
    /// gateway reads goes there: views, `/v1/liquidations`, API key lookups, `/readyz`'s probe.
    public var postgresReadURL: String?
    /// PostgreSQL sessions in the pool.
    public var poolSize: Int
    public var session: SessionSettings
    /// Socket timeout of the Redis readiness check, seconds.
    public var redisTimeoutSeconds: Double
    /// The projection model's parameters (its leverage tiers name the `leverage=` filter values).
    public var model: ModelParameters
    /// API keys, rate limits, CORS.
    public var security: SecuritySettings

    public init(host: String = "127.0.0.1", port: Int = 8080, redisURL: String, postgresURL: String, postgresReadURL: String? = nil,
                poolSize: Int = 4, session: SessionSettings = SessionSettings(), redisTimeoutSeconds: Double = 2,
                model: ModelParameters = ModelParameters(), security: SecuritySettings = SecuritySettings()) {
        self.host = host
        self.port = port
        self.redisURL = redisURL
        self.postgresURL = postgresURL
        self.postgresReadURL = postgresReadURL
        self.poolSize = poolSize
        self.session = session
        self.redisTimeoutSeconds = redisTimeoutSeconds
        self.model = model
        self.security = security
    }

    /// The read pool's conninfo.
    public var readURL: String { postgresReadURL ?? postgresURL }
}
