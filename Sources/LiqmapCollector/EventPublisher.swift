import Logging
import LiqmapCore
import CoreMetrics
import Metrics
import Foundation
import LiqmapRedis
import LiqmapRegistry
import LiqmapStatus
import LiqmapWire

/// Publishes normalized events to the shard streams (Protocols/streams.md): batches per shard,
/// pipelined `XADD`s, frames that could not be parsed to the feed's capped quarantine stream.
///
/// Never drops an event silently: when Redis cannot be reached, ready batches go to the on-disk spool
/// (when one is configured) in order and are sent before anything newer once Redis answers; without
/// a spool the call throws and the caller must retry (back-pressure). A batch whose `XADD` reply was
/// lost may be in Redis twice; its (`src`, `seq`) lets consumers drop the copy.
public actor EventPublisher {
    let redis: RedisClient
    let source: String
    let feed: Feed
    var builder: BatchBuilder
    let spool: Spool?
    let logger: Logger
    /// Entries kept in the quarantine stream.
    public static let quarantineLength = 10_000

    /// Counters the collector reports.
    public struct Stats: Sendable, Hashable {
        public var batches = 0
        public var events = 0
        public var quarantined = 0
        public var spooledBatches = 0
        public var publishFailures = 0
        /// Batches published again into a stream Redis lost and re-created.
        public var republished = 0
        public var streamsLost = 0
    }
    public private(set) var stats = Stats()

    /// Published batches kept for re-publishing into a stream Redis lost (``PublishedJournal``).
    var journal: PublishedJournal
    /// The incarnation token of each shard stream last seen (Protocols/streams.md).
    var incarnations: [Int: String] = [:]
    var lastIncarnationCheck: ContinuousClock.Instant?
    /// The latest `now` the caller gave.
    var clock: Int64 = 0

    public init(redis: RedisClient, feed: Feed, source: String, shards: ShardMap, spoolPath: String?, maxEvents: Int = 500,
                journalSeconds: Int = 300, journalBytes: Int = 256 << 20, logger: Logger = Logger(label: "liqmap.publisher")) throws
    {
        journal = PublishedJournal(maxAgeMs: Int64(journalSeconds) * 1000, maxBytes: journalBytes)
        self.redis = redis
        self.feed = feed
        self.source = source
        self.builder = BatchBuilder(shards: shards, maxEvents: maxEvents)
        self.spool = try spoolPath.map { try Spool(path: $0) }
        self.logger = logger
        stats.spooledBatches = spool?.records ?? 0
    }

    /// Batches waiting on disk for Redis.
    public var spoolDepth: Int { spool?.records ?? 0 }

    /// Adds events; sends the batches they complete (or holds them while a reshard switches).
    public func publish(_ events: [NormalizedEvent], now: Int64) async throws {
        clock = max(clock, now)
        try await followLayout()
        await watchIncarnations()
        if holding != nil {
            held += events
            return
        }
        try await send(builder.add(events, now: now))
    }

    /// Sends batches older than `interval` ms (0: every pending batch).
    public func flush(now: Int64, interval: Int64 = 0) async throws {
        clock = max(clock, now)
        try await followLayout()
        await watchIncarnations()
        if holding != nil { return }
        try await send(builder.due(now: now, interval: interval))
    }

    // MARK: - Following the shard layout (liqmap reshard)

    /// When set, the publisher reads the shard layout (``ShardLayoutStore``) at most once a second and
    /// follows it: while a reshard drains and switches, it holds new events in memory (after sending
    /// everything batched for the old layout), and on the new layout re-batches them for it.
    public var followsLayout = false
    var lastLayoutCheck: ContinuousClock.Instant?
    /// The reshard generation this publisher holds for, if it holds.
    public private(set) var holding: Int?
    var held: [NormalizedEvent] = []

    /// Events held for a reshard in progress.
    public var heldEvents: Int { held.count }
    /// The shard count batches are built for.
    public var shardCount: Int { builder.shards.shards }

    public func setFollowsLayout(_ on: Bool) { followsLayout = on }

    func followLayout(force: Bool = false) async throws {
        guard followsLayout else { return }
        if !force, let last = lastLayoutCheck, ContinuousClock.now - last < .seconds(1) { return }
        lastLayoutCheck = .now
        guard let layout = try? await ShardLayoutStore.read(redis) else { return }
        if layout.state != .active {
            if holding == nil {
                // Everything batched for the old layout goes out first. Spooled batches carry old shard
                // numbers: hold only once the spool is empty (the reshard waits for that).
                try await send(builder.due(now: Int64.max / 2, interval: 0))
                guard spoolDepth == 0 else { return }
                holding = layout.generation
                logger.notice("holding new events for a reshard", metadata: ["generation": "\(layout.generation)", "to": "\(layout.target ?? 0)"])
            }
            try? await ShardLayoutStore.hold(redis, source: source, generation: layout.generation)
        } else if holding != nil || layout.shards != builder.shards.shards {
            builder = BatchBuilder(shards: ShardMap(shards: layout.shards), maxEvents: builder.maxEvents, maxBytes: builder.maxBytes,
                                   startingAfter: builder.sequence)
            journal.removeAll()  // its shard numbers are the old layout's
            incarnations = [:]
            let events = held
            holding = nil
            held = []
            logger.notice("publishing to the new shard layout", metadata: ["shards": "\(layout.shards)", "held": "\(events.count)"])
            do {
                try await send(builder.add(events, now: Int64(Date().timeIntervalSince1970 * 1000)))
            } catch {
                // Not lost: they wait in the builder's batches or go back to the held list for the next try.
                if builder.pendingEvents == 0 { held = events; holding = layout.generation }
                throw error
            }
        }
    }

    /// The final flush of a stopping collector: waits for a reshard in progress to switch (held events
    /// must go to the new layout), then sends every pending batch.
    public func finish(now: Int64) async throws {
        var waited = 0
        while followsLayout {
            try await followLayout(force: true)
            guard holding != nil else { break }
            if waited % 20 == 0 {
                logger.warning("stopping: waiting for the reshard in progress to finish before publishing held events", metadata: ["held": "\(held.count)"])
            }
            waited += 1
            try await Task.sleep(for: .milliseconds(500))
        }
        try await send(builder.due(now: Int64.max / 2, interval: 0))
    }

    /// Puts an unreadable frame in the feed's quarantine stream (capped; best effort: a Redis outage
    /// here is counted, since the frame was never an event).
    public func quarantine(frame: String, reason: String, recvTs: Int64?) async {
        let fields: [(name: String, value: [UInt8])] = [
            ("feed", Array(feed.rawValue.utf8)), ("reason", Array(reason.utf8)),
            ("recv_ts", Array((recvTs.map(String.init) ?? "").utf8)), ("frame", Array(frame.utf8.prefix(1 << 20))),
        ]
        do {
            try await redis.xadd(StreamKeys.quarantine(feed: feed), fields: fields, trim: .maxLength(Self.quarantineLength))
            stats.quarantined += 1
        } catch {
            stats.publishFailures += 1
            logger.warning("quarantine write failed", metadata: ["error": "\(error)"])
        }
    }

    /// Sends what the spool holds, oldest first; true when it is empty afterwards.
    @discardableResult
    public func drainSpool() async -> Bool {
        guard let spool, spool.records > 0 else { return true }
        do {
            let records = try spool.readAll()
            try await xadd(records)
            try spool.clear()
            Gauge(label: "liqmap_collector_spool_batches", dimensions: [("feed", feed.rawValue)]).record(0)
            logger.notice("spool drained", metadata: ["batches": "\(records.count)"])
            return true
        } catch {
            return false
        }
    }

    private func send(_ ready: [BatchBuilder.Ready]) async throws {
        if ready.isEmpty { return }
        var records: [(shard: Int, fields: [(name: String, value: [UInt8])])] = []
        for r in ready {
            records.append((r.shard, EventBatchCodec.encode(EventBatch(source: source, sequence: r.sequence, events: r.events))))
        }
        // Keep order: nothing new goes to Redis while older batches wait in the spool.
        if let spool, spool.records > 0, !(await drainSpool()) {
            try spoolAll(records)
            return
        }
        do {
            let started = ContinuousClock.now
            try await xadd(records)
            Metrics.Timer(label: "liqmap_collector_publish_seconds", dimensions: [("feed", feed.rawValue)])
                .recordNanoseconds(Int64((ContinuousClock.now - started).components.attoseconds / 1_000_000_000
                    + (ContinuousClock.now - started).components.seconds * 1_000_000_000))
            stats.batches += ready.count
            stats.events += ready.reduce(0) { $0 + $1.events.count }
        } catch let error as RedisError where spool != nil {
            // Unreachable, or answering with an error (OOM, READONLY, CLUSTERDOWN…): either way the
            // batches are not known to be in the stream, so they wait on disk (a batch that did land
            // is sent again later and dropped by its (src, seq)).
            stats.publishFailures += 1
            logger.warning(error.kind == .connection ? "redis unreachable: spooling batches to disk" : "redis refused the batches: spooling them to disk",
                           metadata: ["error": "\(error)", "batches": "\(ready.count)"])
            try spoolAll(records)
        }
    }

    private func spoolAll(_ records: [(shard: Int, fields: [(name: String, value: [UInt8])])]) throws {
        guard let spool else { return }
        for r in records { try spool.append(shard: r.shard, fields: r.fields) }
        stats.spooledBatches = spool.records
        Gauge(label: "liqmap_collector_spool_batches", dimensions: [("feed", feed.rawValue)]).record(spool.records)
    }

    private func xadd(_ records: [(shard: Int, fields: [(name: String, value: [UInt8])])], journaled: Bool = true) async throws {
        var writer = RESPWriter()
        for r in records {
            writer.command(RedisClient.xaddArguments(StreamKeys.events(shard: r.shard), id: "*", fields: r.fields, trim: nil))
        }
        for reply in try await redis.pipeline(writer) {
            if case .error(let message) = reply { throw RedisError(.server, message) }
        }
        if journaled { for r in records { journal.append(shard: r.shard, fields: r.fields, now: clock) } }
    }

    /// At most once a second: reads every shard stream's incarnation token. One that changed (or
    /// vanished) since last seen means Redis lost the stream and whatever of it was not yet
    /// committed: the journal's batches for that shard are published again (those already applied
    /// are dropped by their (src, seq)).
    func watchIncarnations() async {
        if let last = lastIncarnationCheck, ContinuousClock.now - last < .seconds(1) { return }
        lastIncarnationCheck = .now
        let shards = builder.shards.shards
        var writer = RESPWriter()
        for shard in 0..<shards { writer.command(["GET", RedisArgument(StreamKeys.incarnation(shard: shard))]) }
        guard let replies = try? await redis.pipeline(writer), replies.count == shards else { return }
        for (shard, reply) in replies.enumerated() {
            // An error reply (LOADING while a restarted Redis reads its AOF, a redirect) says nothing
            // about the token: only a value or a nil is an answer.
            if case .error = reply { continue }
            let token = reply.string
            defer { incarnations[shard] = token }
            guard let seen = incarnations[shard], seen != token else { continue }
            let batches = journal.batches(shard: shard)
            stats.streamsLost += 1
            logger.critical("the shard stream was lost and re-created (Redis lost its data): publishing the journal again", metadata: [
                "shard": "\(shard)", "batches": "\(batches.count)", "journal_seconds": "\(journal.maxAgeMs / 1000)"])
            let records = batches.map { (shard: shard, fields: $0) }
            do { try await xadd(records, journaled: false) } catch {
                logger.warning("re-publishing the journal failed: spooling it", metadata: ["error": "\(error)"])
                try? spoolAll(records)
            }
            stats.republished += batches.count
            Counter(label: "liqmap_collector_republished_batches_total", dimensions: [("feed", feed.rawValue)]).increment(by: batches.count)
        }
    }
}

extension EventPublisher {
    /// Trims each shard stream longer than `maxLength` down to what its consumer groups have
    /// acknowledged (``StreamTrimPolicy``); a stream nobody reads yet is left alone. Returns the
    /// entries removed.
    @discardableResult
    public func trimStreams(shards: Int, maxLength: Int) async throws -> Int {
        var removed = 0
        for shard in 0..<shards {
            let key = StreamKeys.events(shard: shard)
            guard try await redis.send(["EXISTS", RedisArgument(key)]).int == 1 else { continue }
            guard try await redis.xinfoStream(key).length > maxLength else { continue }
            var groups: [StreamTrimPolicy.GroupState] = []
            for g in try await redis.xinfoGroups(key) {
                let pending = g.pending > 0 ? try await redis.xpendingSummary(key, group: g.name).smallestID : nil
                groups.append(.init(oldestPending: pending, lastDelivered: g.lastDeliveredID))
            }
            guard let minID = StreamTrimPolicy.minID(groups: groups) else { continue }
            removed += Int(try await redis.send(["XTRIM", RedisArgument(key), "MINID", RedisArgument(minID)]).int ?? 0)
        }
        return removed
    }
}
