import Hummingbird

/// Which browser origins may call the API, and the CORS headers they get (pure). Closed unless
/// origins are configured: an origin is allowed only when it equals one of them exactly
/// (`scheme://host[:port]`, as browsers send `Origin`); anything else gets no CORS header at all.
public struct CORSPolicy: Sendable, Equatable {
    /// The allowed origins, as configured.
    public let origins: Set<String>
    /// Seconds a browser may cache a preflight answer.
    public static let maxAgeSeconds = 600
    /// The methods the API answers.
    public static let allowMethods = "GET, OPTIONS"
    /// The request headers a browser may send.
    public static let allowHeaders = "X-API-Key, Authorization, Content-Type"
    /// The response headers a script may read besides the simple ones.
    public static let exposeHeaders = "Retry-After"

    /// A configured origin that is not `scheme://host[:port]`.
    public struct InvalidOrigin: Error, Sendable, CustomStringConvertible {
        public let origin: String
        public init(origin: String) { self.origin = origin }
        public var description: String { "'\(origin)' is not an origin (scheme://host[:port], no path, no trailing slash)" }
    }

    /// No origin allowed: no CORS headers (the default).
    public static let closed = CORSPolicy(checked: [])

    private init(checked origins: Set<String>) { self.origins = origins }

    /// - Throws: ``InvalidOrigin`` for a value that cannot equal a browser's `Origin` header
    ///   (`*`, a path, a trailing slash, upper case, no scheme).
    public init(origins: [String]) throws(InvalidOrigin) {
        for origin in origins where !Self.isOrigin(origin) { throw InvalidOrigin(origin: origin) }
        self.init(checked: Set(origins))
    }

    /// Whether the request's `Origin` is allowed.
    public func allows(_ origin: String?) -> Bool {
        guard let origin else { return false }
        return origins.contains(origin)
    }

    /// The headers of an answer to an allowed origin's request (not a preflight).
    public static func responseHeaders(origin: String) -> HTTPFields {
        [.accessControlAllowOrigin: origin, .accessControlExposeHeaders: exposeHeaders]
    }

    /// The headers of an answer to an allowed origin's preflight.
    public static func preflightHeaders(origin: String) -> HTTPFields {
        [.accessControlAllowOrigin: origin, .accessControlAllowMethods: allowMethods, .accessControlAllowHeaders: allowHeaders,
         .accessControlMaxAge: "\(maxAgeSeconds)"]
    }

    /// `http(s)://` and a lowercase host (letters, digits, `.`, `-`, or a bracketed IPv6), an optional port, nothing after.
    public static func isOrigin(_ text: String) -> Bool {
        let rest: Substring
        if text.hasPrefix("https://") {
            rest = text.dropFirst(8)
        } else if text.hasPrefix("http://") {
            rest = text.dropFirst(7)
        } else {
            return false
        }
        let parts = rest.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return false }
            let after = rest[rest.index(after: close)...]
            return after.isEmpty || (after.first == ":" && isPort(after.dropFirst()))
        }
        guard let host = parts.first, !host.isEmpty,
              host.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "-" })
        else { return false }
        return parts.count == 1 || isPort(parts[1])
    }

    static func isPort(_ text: Substring) -> Bool {
        guard let port = Int(text), (1...65535).contains(port) else { return false }
        return text.allSatisfy(\.isASCII)
    }
}
