import AsyncHTTPClient
import Foundation
import LiqmapPostgres
import LiqmapRedis
import LiqmapStatus
import LiqmapWire
import NIOCore
import NIOHTTP1

/// Reads everything `liqmap status` evaluates: the registry and the shard streams from Redis, the
/// shard leases from PostgreSQL, and each gateway's `/readyz`. No judgement here (``StatusEvaluator``).
public struct StatusReader: Sendable {
    public let redisURL: String
    public let postgresURL: String
    /// Gateways to probe besides the registered ones (base URLs).
    public var gatewayURLs: [String] = []
    /// The shard count to report; nil = the cluster's layout, else `configuredShards`, else the
    /// largest any registered aggregator reports.
    public var shards: Int?
    public var configuredShards: Int?
    public var thresholds = StatusThresholds()

    public init(redisURL: String, postgresURL: String) {
        self.redisURL = redisURL
        self.postgresURL = postgresURL
    }

    /// A store could not be read: `liqmap status` exits 2.
    public struct Unreachable: Error, CustomStringConvertible {
        public let description: String
    }

    public func snapshot() async throws -> ClusterSnapshot {
        let redis: RedisClient
        do {
            redis = try RedisClient(url: redisURL, timeout: 3)
            _ = try await redis.send(["PING"])
        } catch {
            throw Unreachable(description: "Redis at \(redisURL) is unreachable: \(error)")
        }
        let collectors: [CollectorBeat] = try await Self.beats(redis, RegistryKeys.collectors)
        let aggregators: [AggregatorBeat] = try await Self.beats(redis, RegistryKeys.aggregators)
        let gateways: [GatewayBeat] = try await Self.beats(redis, RegistryKeys.gateways)
        let layout = try? await ShardLayoutStore.read(redis)
        let count = shards ?? layout?.shards ?? configuredShards ?? aggregators.map(\.shards).max() ?? 0
        let leases = try await Self.leases(postgresURL)
        var observations: [ShardObservation] = []
        for shard in 0..<count {
            observations.append(try await Self.observe(redis, shard: shard, lease: leases[shard]))
        }
        let now = Self.nowMs
        let live = gateways.filter { Double(now - $0.beatMs) / 1000 <= thresholds.beatStaleSeconds }.map(\.url)
        var urls: [String] = []
        for url in gatewayURLs + live where !urls.contains(url) { urls.append(url) }
        let probes = await withTaskGroup(of: GatewayProbe.self) { group in
            for url in urls { group.addTask { await Self.probe(url) } }
            var out: [GatewayProbe] = []
            for await p in group { out.append(p) }
            return out
        }
        return ClusterSnapshot(nowMs: now, collectors: collectors, aggregators: aggregators, gateways: gateways, shards: observations, probes: probes)
    }

    /// Removes registry entries the evaluator says are forgotten (dead for longer than `forgetAfterSeconds`).
    public func prune(_ entries: [(key: String, instance: String)]) async {
        guard !entries.isEmpty, let redis = try? RedisClient(url: redisURL, timeout: 3) else { return }
        for e in entries { _ = try? await redis.send(["HDEL", RedisArgument(e.key), RedisArgument(e.instance)]) }
    }

    static var nowMs: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// Every field of one registry hash, decoded; unreadable fields are skipped (an older or newer
    /// version may write fields this one does not know, which decoding ignores; a broken one is noise).
    public static func beats<B: Decodable>(_ redis: RedisClient, _ key: String) async throws -> [B] {
        let items = try await redis.send(["HGETALL", RedisArgument(key)]).array ?? []
        var out: [B] = []
        var i = 1
        while i < items.count {
            if let bytes = items[i].bytes, let beat = try? StatusJSON.decode(B.self, from: Data(bytes)) { out.append(beat) }
            i += 2
        }
        return out
    }

    static func leases(_ postgresURL: String) async throws -> [Int: ShardObservation.Lease] {
        let pg = PostgresClient(conninfo: postgresURL, settings: ["application_name": "liqmap-status", "connect_timeout": "3"])
        defer { Task { await pg.disconnect() } }
        let rows: [PGRow]
        do {
            rows = try await pg.query("""
                SELECT shard, owner, epoch, extract(epoch FROM now() - heartbeat_at)::float8, extract(epoch FROM now() - acquired_at)::float8
                FROM shard_leases
                """).rows
        } catch let error as PostgresError where error.kind == .connection {
            throw Unreachable(description: "PostgreSQL is unreachable: \(error)")
        } catch let error as PostgresError where error.sqlState == "42P01" {
            throw Unreachable(description: "PostgreSQL has no liqmap schema here (run `liqmap migrate`): \(error)")
        }
        var out: [Int: ShardObservation.Lease] = [:]
        for r in rows {
            out[try r.decode(Int.self, at: 0)] = ShardObservation.Lease(
                owner: try r.decode(String.self, at: 1), epoch: try r.decode(Int64.self, at: 2),
                heartbeatAgeSeconds: try r.decode(Double.self, at: 3), acquiredAgeSeconds: try r.decode(Double.self, at: 4))
        }
        return out
    }

    /// One shard stream and its group as Redis sees them now (`lease` is carried through as given).
    public static func observe(_ redis: RedisClient, shard: Int, lease: ShardObservation.Lease?) async throws -> ShardObservation {
        let key = StreamKeys.events(shard: shard)
        let exists = try await redis.send(["EXISTS", RedisArgument(key)]).int == 1
        guard exists else {
            return ShardObservation(shard: shard, streamExists: false, streamLength: 0, groupExists: false, lag: nil, pending: 0, readToEnd: false, lease: lease)
        }
        let info = try await redis.xinfoStream(key)
        let group = try await redis.xinfoGroups(key).first { $0.name == StreamKeys.aggregatorGroup }
        return ShardObservation(
            shard: shard, streamExists: true, streamLength: info.length, groupExists: group != nil, lag: group?.lag,
            pending: group?.pending ?? 0, readToEnd: group?.lastDeliveredID == info.lastGeneratedID, lease: lease)
    }

    static func probe(_ base: String) async -> GatewayProbe {
        let url = (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/readyz"
        let start = ContinuousClock.now
        func ms() -> Double { let d = ContinuousClock.now - start; return Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15 }
        do {
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "User-Agent", value: "liqmap-status")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(3))
            _ = try await response.body.collect(upTo: 1 << 20)
            return GatewayProbe(url: base, status: Int(response.status.code), error: nil, milliseconds: ms())
        } catch {
            return GatewayProbe(url: base, status: nil, error: "\(error)", milliseconds: ms())
        }
    }
}
