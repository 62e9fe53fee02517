/// The gateway's security and limits: API keys on `/v1` or not, the key cache's lifetime, the
/// per-client rate limit, and the CORS origins. The defaults suit a local run: no auth, 50 requests/s
/// (burst 100) per client address, no CORS.
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

    public init(auth: AuthMode = .none, keyCacheSeconds: Double = 10, perClientLimit: RateLimit? = RateLimit(rate: 50, burst: 100),
                cors: CORSPolicy = .closed) {
        self.auth = auth
        self.keyCacheSeconds = keyCacheSeconds
        self.perClientLimit = perClientLimit
        self.cors = cors
    }
}
