/// The gateway's security and limits: API keys on `/v1` or not, the key cache's lifetime, the
/// per-client rate limit, and the CORS origins. This type's defaults switch everything off (for
/// gateways built in process: tests, `liqmap bench gateway`); `liqmap gateway`'s flags default to
/// no auth, ``defaultPerClientLimit`` per client address and no CORS.
public struct SecuritySettings: Sendable, Equatable {
    /// Whether `/v1` needs an API key.
    public enum AuthMode: String, Sendable, CaseIterable {
        /// Open (local runs).
        case none
        /// `/v1/*` needs a live key from `api_keys`.
        case required
    }

    public var auth: AuthMode
    /// Seconds a key lookup is cached (a revocation takes effect within it); 0 caches nothing.
    public var keyCacheSeconds: Double
    /// The limit per client address when auth is off; nil switches rate limiting off altogether
    /// (per-key limits too).
    public var perClientLimit: RateLimit?
    /// The browser origins CORS allows; empty: no CORS headers at all.
    public var cors: CORSPolicy

    /// What `liqmap gateway` limits each client address to when auth is off: 50 requests/s, burst 100.
    public static let defaultPerClientLimit = RateLimit(rate: 50, burst: 100)

    public init(auth: AuthMode = .none, keyCacheSeconds: Double = 10, perClientLimit: RateLimit? = nil,
                cors: CORSPolicy = .closed) {
        self.auth = auth
        self.keyCacheSeconds = keyCacheSeconds
        self.perClientLimit = perClientLimit
        self.cors = cors
    }
}
