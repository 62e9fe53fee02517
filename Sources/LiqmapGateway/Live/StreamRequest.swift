import LiqmapAggregation
import LiqmapCore

/// The validated parameters of the WebSocket `GET /v1/stream`: the asset and view filters, and
/// when to alert: the last price within `alertPercent` of a magnet zone of at least `alertUSD`
/// whose consensus is at least `alertConsensus`.
public struct StreamRequest: Sendable, Hashable {
    public var levels: LevelsRequest
    public var alertPercent: Double
    public var alertUSD: Double
    public var alertConsensus: Double

    public static func parse(_ parameter: (String) -> String?, model: ModelParameters) throws(APIError) -> StreamRequest {
        StreamRequest(
            levels: try LevelsRequest.parse(parameter, model: model),
            alertPercent: try ViewParameters.number("alert_pct", parameter, in: 0.01...50, default: 1),
            alertUSD: try ViewParameters.number("alert_usd", parameter, in: 0...1e12, default: 1_000_000),
            alertConsensus: try ViewParameters.number("alert_consensus", parameter, in: 0...1, default: 0))
    }

    /// The zones that should alert now: within reach, large enough, agreed enough.
    public func alerting(_ levels: LevelsView) -> [(side: String, zone: LevelsView.Zone)] {
        let above = levels.above.map { ("above", $0) }, below = levels.below.map { ("below", $0) }
        return (above + below).filter { _, z in
            z.distancePercent.magnitude <= alertPercent && z.usd >= alertUSD && z.consensus >= alertConsensus
        }.map { (side: $0.0, zone: $0.1) }
    }
}
