import ArgumentParser
import LiqmapGateway

/// `liqmap gateway`'s security flags: auth, key cache, rate limit, CORS, database role.
struct GatewaySecurityOptions: ParsableArguments {
    @Option(help: "API keys on /v1: none or required (env LIQMAP_GATEWAY_AUTH, config gateway.auth; default none).")
    var auth: String?

    @Option(help: "Seconds an API key lookup is cached; a revocation takes effect within it (0: no cache).")
    var authCacheTtl: Double = 10

    @Option(help: "Requests per second per client address when auth is off; 0 switches rate limiting off (per-key limits too).")
    var rateLimit: Double = SecuritySettings.defaultPerClientLimit.rate

    @Option(help: "Burst per client address (bucket size) when auth is off.")
    var burst: Int = SecuritySettings.defaultPerClientLimit.burst

    @Option(name: .customLong("cors-origin"), help: "A browser origin allowed by CORS, e.g. https://a.example (repeatable; default: none, no CORS headers).")
    var corsOrigins: [String] = []

    @Option(help: "PostgreSQL role the sessions switch to at start, e.g. liqmap_reader (the login role must be a member; default: none).")
    var dbRole: String?

    func validate() throws {
        if let auth, SecuritySettings.AuthMode(rawValue: auth) == nil { throw ValidationError("--auth must be none or required, got '\(auth)'") }
        guard authCacheTtl.isFinite, authCacheTtl >= 0 else { throw ValidationError("--auth-cache-ttl must be ≥ 0 seconds") }
        guard rateLimit.isFinite, rateLimit >= 0 else { throw ValidationError("--rate-limit must be ≥ 0 (0 switches it off)") }
        guard burst >= 1 else { throw ValidationError("--burst must be at least 1") }
        for origin in corsOrigins where !CORSPolicy.isOrigin(origin) {
            throw ValidationError("--cors-origin: \(CORSPolicy.InvalidOrigin(origin: origin))")
        }
        if let dbRole, !SessionSettings.isRoleName(dbRole) {
            throw ValidationError("--db-role must be a lowercase identifier ([a-z_][a-z0-9_]*), got '\(dbRole)'")
        }
    }

    /// The flags that are also configuration keys.
    var settingFlags: [String: String] { auth.map { ["gateway.auth": $0] } ?? [:] }

    /// The gateway's settings, `auth` resolved from flag, environment, config file or default.
    func settings(auth: String) throws -> SecuritySettings {
        guard let mode = SecuritySettings.AuthMode(rawValue: auth) else { throw ValidationError("gateway.auth must be none or required, got '\(auth)'") }
        return SecuritySettings(auth: mode, keyCacheSeconds: authCacheTtl,
                                perClientLimit: rateLimit == 0 ? nil : RateLimit(rate: rateLimit, burst: burst),
                                cors: try CORSPolicy(origins: corsOrigins))
    }

    var rateLimitDescription: String { rateLimit == 0 ? "off" : "\(rateLimit)/s burst \(burst) per client" }
}
