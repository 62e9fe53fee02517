import Foundation
import Hummingbird
import HummingbirdWebSocket
import LiqmapAggregation
import LiqmapCore
import Logging
import Prometheus

/// The view routes: `/v1/heatmap`, `/v1/levels`, `/v1/tiles/…`, the page `GET /`, and the
/// WebSocket `/v1/stream` (on its own router, which the HTTP/1 upgrade consults first).
struct ViewRoutes: Sendable {
    let service: ViewService
    let hub: LiveHub
    let registry: PrometheusCollectorRegistry
    let now: @Sendable () -> Int64

    func register(on router: Router<GatewayRequestContext>) {
        router.get("/") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: WebPage.html)))
        }
        router.get("/v1/heatmap") { request, context in
            let parameters = request.uri.queryParameters
            try QueryCheck.only("/v1/heatmap", names: parameters.map { String($0.key) })
            let query = try HeatmapRequest.parse({ parameters.get($0) }, now: now(), model: service.model)
            let body = try await guarded(context, route: "/v1/heatmap") { try await service.heatmap(query) }
            return BodyResponse.make(body, request: request)
        }
        router.get("/v1/levels") { request, context in
            let parameters = request.uri.queryParameters
            try QueryCheck.only("/v1/levels", names: parameters.map { String($0.key) })
            let query = try LevelsRequest.parse({ parameters.get($0) }, model: service.model)
            let body = try await guarded(context, route: "/v1/levels") { try await service.levels(query, now: now()) }
            return BodyResponse.make(body, request: request)
        }
        router.get("/v1/tiles/:asset/:venue/:layer/:resolution/:tile") { request, context in
            let p = context.parameters
            try QueryCheck.only("/v1/tiles/{asset}/{venue}/{layer}/{resolution}/{tile}", names: request.uri.queryParameters.map { String($0.key) })
            let query = try TileRequest.parse(asset: p.get("asset"), venue: p.get("venue"), layer: p.get("layer"), resolution: p.get("resolution"),
                                              tile: p.get("tile"), instrument: request.uri.queryParameters.get("instrument"),
                                              accept: request.headers[.accept])
            let body = try await guarded(context, route: "/v1/tiles") { try await service.tile(query) }
            guard let body else {
                throw APIError.notFound("no stored tile \(query.asset)/\(query.venue.rawValue)/\(query.layer.rawValue)/\(query.resolution.rawValue)/\(query.tile)")
            }
            return BodyResponse.make(body, request: request)
        }
        router.get("/v1/stream") { request, _ -> Response in
            let parameters = request.uri.queryParameters
            try QueryCheck.only("/v1/stream", names: parameters.map { String($0.key) })
            _ = try StreamRequest.parse({ parameters.get($0) }, model: service.model)
            throw APIError(status: .upgradeRequired, code: "upgrade_required",
                           message: "/v1/stream is a WebSocket: connect with an Upgrade: websocket request")
        }
    }

    func register(webSocket router: Router<GatewayWebSocketRequestContext>, logger: Logger) {
        router.add(middleware: ErrorMiddleware())
        router.ws("/v1/stream") { request, _ in
            let parameters = request.uri.queryParameters
            try QueryCheck.only("/v1/stream", names: parameters.map { String($0.key) })
            _ = try StreamRequest.parse({ parameters.get($0) }, model: service.model)
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            let parameters = context.request.uri.queryParameters
            guard let query = try? StreamRequest.parse({ parameters.get($0) }, model: service.model) else { return }
            try await LiveStream(request: query, service: service, hub: hub, logger: logger, now: now).run(inbound: inbound, outbound: outbound)
        }
    }

    /// Runs a read; a database failure becomes a 503 naming the reason, counted per route.
    func guarded<T: Sendable>(_ context: some RequestContext, route: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as APIError {
            throw error
        } catch {
            context.logger.error("view query failed", metadata: ["route": "\(route)", "error": "\(error)"])
            GatewayMetrics(registry: registry).databaseError(route: route)
            throw APIError.unavailable("the database could not answer (\(GatewayRoutes.reason(error))); try again")
        }
    }
}
