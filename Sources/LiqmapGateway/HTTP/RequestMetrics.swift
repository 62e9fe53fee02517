import Hummingbird

/// Counts answered requests in the Prometheus registry as
/// `liqmap_gateway_requests_total{route,status}` (route is the matched pattern; Hummingbird names unknown routes `NotFound`).
public struct RequestMetrics<Context: RequestContext>: RouterMiddleware {
    public let metrics: GatewayMetrics

    public init(metrics: GatewayMetrics) { self.metrics = metrics }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response = try await next(request, context)
        metrics.answered(route: context.endpointPath ?? "unmatched", status: response.status.code)
        return response
    }
}
