/// Refuses query parameters a route does not know (a typo such as `venue=` would otherwise be
/// ignored silently): 400 naming it and listing the known ones. `api_key` is allowed everywhere.
public enum QueryCheck {
    /// Accepted by every route (the API key, when keys are on).
    public static let everywhere: Set<String> = ["api_key"]

    /// The query parameters each route accepts; Protocols/openapi.json documents exactly these.
    public static let parameters: [String: [String]] = [
        "/v1/liquidations": ["asset", "from", "to", "venues"],
        "/v1/heatmap": ["asset", "window", "from", "to", "layer", "venues", "side", "leverage", "scale", "format", "resolution", "columns",
                        "rows", "min_price", "max_price", "breakdown", "width", "height"],
        "/v1/levels": ["asset", "venues", "side", "leverage", "range_pct", "bands", "zones"],
        "/v1/tiles/{asset}/{venue}/{layer}/{resolution}/{tile}": ["instrument"],
        "/v1/stream": ["asset", "venues", "side", "leverage", "range_pct", "bands", "zones", "alert_pct", "alert_usd", "alert_consensus"],
    ]

    /// The GET routes without query parameters.
    public static let plainRoutes = ["/", "/healthz", "/readyz", "/metrics", "/openapi.json"]

    /// Whether `path` is one of the gateway's GET routes (`{name}` segments match any segment).
    public static func isRoute(_ path: String) -> Bool {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return (plainRoutes + parameters.keys).contains { pattern in
            let want = pattern.split(separator: "/", omittingEmptySubsequences: false)
            return want.count == segments.count && zip(want, segments).allSatisfy { w, s in w.hasPrefix("{") ? !s.isEmpty : w == s }
        }
    }

    /// Checks the names of a request's query parameters (in order, repeats included).
    public static func only(_ route: String, names: [String]) throws(APIError) {
        let known = parameters[route] ?? []
        let names = names.filter { !$0.isEmpty }  // `?&a=1` carries an empty name: nothing was sent
        for key in names {
            guard known.contains(key) || everywhere.contains(key) else {
                throw .badRequest("unknown parameter \(LiquidationRequest.quoted(key)) for \(route); known: \(known.joined(separator: ", "))")
            }
        }
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted {
            throw .badRequest("parameter \(LiquidationRequest.quoted(name)) is given more than once")
        }
    }
}
