import Foundation
import Logging
import LiqmapCollector
import LiqmapCore
import LiqmapExchanges
import LiqmapObservability
import LiqmapRedis
import LiqmapTesting
import NIOCore
import Testing

@Suite("Collector metrics endpoint", .timeLimit(.minutes(1)))
struct MetricsEndpointTests {
    @Test("/metrics shows per-feed frames, events by kind and malformed by reason; /healthz answers")
    func metrics() async throws {
        let registry = Observability.bootstrap()
        let servers = try PrivateServers()
        defer { servers.tearDown() }
        try servers.start(.redis)
        let publisher = try EventPublisher(redis: try RedisClient(url: servers.redisURL), feed: .bybitLinear, source: "t",
                                           shards: ShardMap(shards: 1), spoolPath: nil)
        let core = try CollectorCore(session: ParseSession(feed: .bybitLinear, instruments: InstrumentRegistry()), publisher: publisher,
                                     recordPath: nil, logger: Logger(label: "t"))
        let frame = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/wire-formats/bybit-linear.jsonl"), encoding: .utf8)
            .split(separator: "\n").first { $0.contains("allLiquidation.ROSEUSDT") }.map(String.init) ?? ""
        try await core.handle(frame, recvTs: 1)
        try await core.handle(frame, recvTs: 2)  // a duplicate
        try await core.handle("{not json", recvTs: 3)
        let channel = try await MetricsServer(port: 0, registry: registry, logger: Logger(label: "t")).bind()
        let port = try #require(channel.localAddress?.port)
        let (status, body, _) = try await RestFetch.get("http://127.0.0.1:\(port)/metrics")
        let (health, _, _) = try await RestFetch.get("http://127.0.0.1:\(port)/healthz")
        try await channel.close()
        #expect(status == 200 && health == 200)
        #expect(body.contains(#"liqmap_collector_frames_total{feed="bybit-linear"} 3"#))
        #expect(body.contains(#"liqmap_collector_events_total{feed="bybit-linear",kind="liquidation"} 1"#))
        #expect(body.contains(#"liqmap_collector_duplicates_dropped_total{feed="bybit-linear"} 1"#))
        #expect(body.contains(#"liqmap_collector_malformed_total{feed="bybit-linear",reason="invalid JSON at byte"} 1"#), "\(body)")
    }
}
