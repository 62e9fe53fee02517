import Foundation
import HummingbirdWebSocket
import LiqmapAggregation
import LiqmapCore
import Logging

/// One `/v1/stream` subscriber's session: a `hello`, then on every aggregator commit that changed
/// its asset, the latest heatmap `column` of each changed layer, the `levels` when they changed, and
/// an `alert` when the price comes within reach of a qualifying magnet zone (once per zone until it
/// leaves reach). Messages are JSON text frames (docs/API.md, "Live stream").
struct LiveStream: Sendable {
    let request: StreamRequest
    let service: ViewService
    let hub: LiveHub
    let logger: Logger
    let now: @Sendable () -> Int64

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        let (id, events) = await hub.subscribe(asset: request.levels.asset)
        defer { Task { [hub] in await hub.unsubscribe(id) } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // Reads until the client closes; pings are answered by the library.
                for try await _ in inbound.messages(maxSize: 4096) {}
            }
            group.addTask {
                var state = State()
                try await outbound.write(.text(self.hello()))
                try await self.push(nil, state: &state, outbound: outbound)
                for await event in events {
                    try await self.push(event, state: &state, outbound: outbound)
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    struct State {
        var levelsTag: String?
        var alerted = Set<Int>()
    }

    func hello() -> String {
        let r = request
        return "{\"type\":\"hello\",\"asset\":\(JSONText.string(r.levels.asset)),\"alert\":{\"distance_pct\":\(JSONNumber.double(r.alertPercent)),"
            + "\"min_usd\":\(JSONNumber.double(r.alertUSD)),\"min_consensus\":\(JSONNumber.double(r.alertConsensus))}}"
    }

    /// Sends what changed; `event` nil = everything (connect, or the listener resynced).
    func push(_ event: UpdateNotice?, state: inout State, outbound: WebSocketOutboundWriter) async throws {
        let at = now()
        let committed = event?.committedMs.map(String.init) ?? "null"
        let layers: [TileLayer] = event.map { e in
            (e.projected.contains(request.levels.asset) ? [.projected] : []) + (e.realized.contains(request.levels.asset) ? [.realized] : [])
        } ?? [.projected, .realized]
        for layer in layers {
            let column = try await service.latestColumn(request.levels, layer: layer, now: at)
            try await outbound.write(.text("{\"type\":\"column\",\"layer\":\"\(layer.rawValue)\",\"committed_ms\":\(committed),\"sent_ms\":\(now()),\"column\":\(column)}"))
        }
        guard layers.contains(.projected) else { return }
        // One computation serves both the levels message and the alerts.
        let computed = try await service.levelsView(request.levels, now: at)
        let text = ViewService.levelsText(computed, asset: request.levels.asset)
        let tag = ETag.of(Array(text.utf8))
        if tag != state.levelsTag {
            state.levelsTag = tag
            try await outbound.write(.text("{\"type\":\"levels\",\"committed_ms\":\(committed),\"sent_ms\":\(now()),\"levels\":\(text)}"))
        }
        guard let levels = computed.levels else { return }
        let hits = request.alerting(levels)
        let bands = Set(hits.map(\.zone.band))
        for hit in hits where !state.alerted.contains(hit.zone.band) {
            let zone = LevelsJSON.zones([hit.zone], levels).dropFirst().dropLast()
            try await outbound.write(.text("{\"type\":\"alert\",\"asset\":\(JSONText.string(request.levels.asset)),\"side\":\"\(hit.side)\",\"last_price\":\(JSONNumber.optional(levels.lastPrice)),\"committed_ms\":\(committed),\"zone\":\(zone)}"))
        }
        state.alerted = bands
    }
}
