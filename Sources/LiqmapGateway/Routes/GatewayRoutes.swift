import Hummingbird
import LiqmapPostgres
import Logging
import Prometheus

/// The route handlers: each parses, calls one reader, and formats with a pure function.
struct GatewayRoutes: Sendable {
    let readiness: ReadinessProbe
    let liquidations: LiquidationReader
    let registry: PrometheusCollectorRegistry

    func register(on router: Router<GatewayRequestContext>) {
        router.get("/healthz") { _, _ in JSONResponse.make(json: "{\"status\":\"ok\"}") }
        router.get("/readyz") { _, _ in
            let report = await readiness.check()
            return JSONResponse.make(status: report.isReady ? .ok : .serviceUnavailable, json: report.json)
        }
        router.get("/metrics") { _, _ in
            JSONResponse.text(body: String(decoding: registry.emitToBuffer(), as: UTF8.self), contentType: "text/plain; version=0.0.4")
        }
        router.get("/openapi.json") { _, _ in JSONResponse.make(json: OpenAPIDocument.json) }
        router.get("/v1/liquidations") { request, context in
            let parameters = request.uri.queryParameters
            try QueryCheck.only("/v1/liquidations", names: parameters.map { String($0.key) })
            let query = try LiquidationRequest.parse { parameters.get($0) }
            let summary: LiquidationSummary
            do {
                summary = try await liquidations.summary(query)
            } catch {
                context.logger.error("liquidations query failed", metadata: ["error": "\(error)"])
                GatewayMetrics(registry: registry).databaseError(route: "/v1/liquidations")
                throw APIError.unavailable("the database could not answer (\(Self.reason(error))); try again")
            }
            return JSONResponse.make(json: summary.json)
        }
    }

    /// A short, password-free reason for a database failure.
    static func reason(_ error: any Error) -> String {
        guard let pg = error as? PostgresError else { return "internal error" }
        switch pg.kind {
        case .connection: return "connection failed"
        case .server where pg.sqlState == "57014": return "statement timeout"
        case .server: return "query failed, SQLSTATE \(pg.sqlState ?? "?")"
        case .decoding, .invalidArgument: return "unreadable result"
        }
    }
}
