import Foundation
import LiqmapAggregation
import LiqmapCore
import LiqmapPostgres
import LiqmapRedis
import LiqmapRegistry
import LiqmapStatus
import LiqmapWire
import CoreMetrics
import Logging
import ServiceLifecycle

/// Counts one process keeps about its shard (what the tests and `liqmap status` read).
public struct AggregatorStats: Sendable, Hashable {
    public var takeovers = 0
    public var stepDowns = 0
    public var fencedRejections = 0
    public var entries = 0
    public var events = 0
    public var duplicateBatches = 0
    public var liquidationsApplied = 0
    public var duplicateLiquidations = 0
    public var deadLetters = 0
    public var pelDeleted = 0
    /// Times this process found the shard stream lost and re-created (Redis lost its data).
    public var streamsLost = 0
    public var commits = 0
    public var epoch: Int64 = 0
    public var isOwner = false
    /// When this process last committed a batch (unix ms); nil before its first.
    public var lastCommitMs: Int64?
    /// The shard count of the layout it works in.
    public var shards = 0
}

/// Thrown out of owning when a reshard switches: checkpointed, let go, stand by for the new layout.
struct ReshardSwitching: Error { let generation: Int }
/// Thrown out of standing by when a reshard removed this shard.
struct ReshardRetired: Error {}

/// One aggregator process for one shard: stands by until it holds the shard's lease, then owns it:
/// reclaims what the group still has pending, reads new entries, and commits each read in one fenced
/// transaction before acknowledging it (ARCHITECTURE.md, "Effectively-once"). Any failure while
/// owning (a fenced write, a lost lease, a broken connection) drops all in-memory state and goes
/// back to standing by: the database is the only record of progress, so starting over is safe.
public actor ShardAggregator: Service {
    public let options: AggregatorOptions
    let redis: RedisClient
    let store: ShardStore
    /// The session partition maintenance runs on (shard 0 only; connects when first used).
    let partitionSession: PostgresClient?
    /// The newest event time this owner has seen, for maintenance's retention clock.
    var newestEventTs: Int64?
    let lease: ShardLease
    let parameters: ModelParameters
    let marginTables: [InstrumentKey: MarginTable]
    let logger: Logger
    let metrics: AggregatorMetrics
    public private(set) var stats = AggregatorStats()

    /// The shard count of the layout this process works in (starts as `options.shards`; a reshard changes it).
    public private(set) var shards: Int
    /// Set when a reshard left this shard out of the layout: the process stops.
    public private(set) var retired = false

    var stream: String { StreamKeys.events(shard: options.shard) }
    let group = StreamKeys.aggregatorGroup

    /// - Parameters:
    ///   - postgres: a factory for sessions: the lease and the data session must be two.
    public init(options: AggregatorOptions, redisURL: String, postgres: @Sendable () -> PostgresClient,
                parameters: ModelParameters = ModelParameters(), marginTables: [InstrumentKey: MarginTable] = [:],
                logger: Logger) throws {
        self.options = options
        self.shards = options.shards
        self.stats.shards = options.shards
        self.redis = try RedisClient(url: redisURL)
        self.store = ShardStore(client: postgres())
        self.partitionSession = options.shard == 0 && options.maintainsPartitions ? postgres() : nil
        self.lease = ShardLease(client: postgres(), shard: options.shard)
        self.parameters = parameters
        self.marginTables = marginTables
        var logger = logger
        logger[metadataKey: "shard"] = "\(options.shard)"
        self.logger = logger
        self.metrics = AggregatorMetrics(shard: options.shard)
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown { try await self.runUntilCancelled() }
    }

    /// Stand by, own, and stand by again after any loss, until cancelled (`run()` without the
    /// service lifecycle, for tests and embedding).
    public func runUntilCancelled() async throws {
        // Ownerships in a row that ended in an error before their first commit: a Redis refusing
        // writes (a full disk, MISCONF) must not turn into a takeover loop between the two processes.
        var fruitless = 0
        while !Task.isCancelled {
            let commitsBefore = stats.commits
            var failed = false
            do {
                let (takeover, generation) = try await standBy()
                try await own(takeover, generation: generation)
            } catch is CancellationError {
                break
            } catch is ReshardRetired {
                logger.notice("a reshard left this shard out of the layout: stopping", metadata: ["shards": "\(shards)"])
                retired = true
                break
            } catch let error as ReshardSwitching {
                logger.notice("reshard switching: checkpointed and let the shard go", metadata: ["generation": "\(error.generation)"])
            } catch {
                if Task.isCancelled { break }
                if error is FencedError {
                    stats.fencedRejections += 1
                    metrics.fencedRejections.increment()
                    logger.error(AggregatorLog.message(AggregatorLog.fenced), metadata: ["error": "\(error)"])
                } else {
                    logger.warning(AggregatorLog.message(AggregatorLog.gaveUp), metadata: ["error": "\(error)"])
                    failed = true
                }
                stats.stepDowns += 1
                metrics.stepDowns.increment()
            }
            fruitless = failed && stats.commits == commitsBefore ? fruitless + 1 : 0
            stats.isOwner = false
            metrics.isOwner.record(0)
            await lease.release()
            await store.client.disconnect()
            await partitionSession?.disconnect()
            if !Task.isCancelled {
                try? await Task.sleep(for: .seconds(Self.standByDelay(fruitless: fruitless, poll: options.standbyPollSeconds, max: options.failureBackoffMaxSeconds)))
            }
        }
        await lease.release()
    }

    /// Seconds to stand by after giving the shard up: the poll interval, doubled for each ownership in
    /// a row that failed before its first commit, at most `max`.
    public static func standByDelay(fruitless: Int, poll: Double, max: Double) -> Double {
        guard fruitless > 1 else { return poll }
        return Swift.min(max, poll * Double(1 << Swift.min(fruitless - 1, 20)))
    }

    // MARK: - Standing by

    /// Waits until this process holds the lease, ending a stale owner's lock session on the way,
    /// then bumps the epoch.
    func standBy() async throws -> (Takeover, Int) {
        var waitingSince: ContinuousClock.Instant?
        while true {
            try Task.checkCancellation()
            do {
                if try await waitForLayout() {
                    try await Task.sleep(for: .seconds(options.standbyPollSeconds))
                    continue
                }
                if let (generation, lockPID) = try await lease.tryAcquire() {
                    let takeover = try await takeOver(lockPID: lockPID)
                    if let since = waitingSince {
                        logger.notice(AggregatorLog.message(AggregatorLog.tookOver), metadata: ["epoch": "\(takeover.epoch)", "waited": "\(ContinuousClock.now - since)"])
                    } else {
                        logger.notice(AggregatorLog.message(AggregatorLog.owning), metadata: ["epoch": "\(takeover.epoch)", "last_id": "\(takeover.lastID)"])
                    }
                    return (takeover, generation)
                }
                if waitingSince == nil {
                    waitingSince = .now
                    logger.info(AggregatorLog.message(AggregatorLog.standingBy))
                }
                if let stale = try await lease.staleLease(olderThan: options.leaseSeconds) {
                    logger.warning("owner's heartbeat is stale: ending its lock session", metadata: [
                        "age_s": "\(stale.age)", "lock_pid": "\(stale.lockPID)"])
                    try await lease.terminate([stale.lockPID])
                    try await Task.sleep(for: .milliseconds(100))  // the backend exits and frees the lock
                    continue
                }
            } catch let error as PostgresError where error.kind == .connection {
                logger.warning("PostgreSQL unreachable while standing by", metadata: ["error": "\(error)"])
                await lease.release()
            }
            try await Task.sleep(for: .seconds(options.standbyPollSeconds))
        }
    }

    /// Follows the shard layout while standing by: true while a reshard switches (do not take the
    /// shard); adopts a new shard count; throws ``ReshardRetired`` when this shard is no longer in it.
    func waitForLayout() async throws -> Bool {
        guard options.followsLayout, let layout = try? await ShardLayoutStore.read(redis) else { return false }
        if layout.state == .switching { return true }
        if layout.state == .active, layout.shards != shards {
            guard options.shard < layout.shards else { throw ReshardRetired() }
            logger.notice("following the shard layout", metadata: ["shards": "\(layout.shards)", "was": "\(shards)"])
            shards = layout.shards
            stats.shards = layout.shards
        }
        return false
    }

    /// Bumps the epoch. If an old owner's open transaction holds the progress row past the lock
    /// timeout (it is paused mid-commit), its data session is ended and the takeover retried.
    func takeOver(lockPID: Int32) async throws -> Takeover {
        for attempt in 0..<3 {
            do {
                let t = try await store.takeOver(shard: options.shard, shards: shards, stream: stream, owner: options.consumer,
                                                 lockPID: lockPID, lockTimeoutMs: options.takeoverLockTimeoutMs)
                stats.takeovers += 1
                stats.epoch = t.epoch
                metrics.takeovers.increment()
                metrics.epoch.record(t.epoch)
                return t
            } catch let error as PostgresError where error.sqlState == "55P03" && attempt < 2 {
                if let old = try await lease.leasePIDs() {
                    logger.warning("old owner holds the progress row in an open transaction: ending its data session", metadata: ["data_pid": "\(old.dataPID)"])
                    try await lease.terminate([old.dataPID])
                }
            }
        }
        throw StoreInvariantError(description: "takeover did not get the progress row")
    }

    // MARK: - Owning

    func own(_ takeover: Takeover, generation: Int) async throws {
        stats.isOwner = true
        metrics.isOwner.record(1)
        let engine = try await restoreEngine()
        _ = try await redis.xgroupCreate(stream, group: group, startID: "0", makeStream: true)
        try await checkIncarnation(takeover)
        leaseLost = nil
        // The heartbeat only raises a flag: the consumer looks at it before each read, never between
        // a read and its commit, so a write in flight is stopped by the fence and nothing else.
        try await withThrowingTaskGroup(of: Bool.self) { tasks in
            tasks.addTask {
                await self.heartbeats(epoch: takeover.epoch, generation: generation)
                return false
            }
            if let session = partitionSession {
                tasks.addTask {
                    await self.maintainPartitions(on: session)
                    return false
                }
            }
            tasks.addTask {
                var state = OwnerState(epoch: takeover.epoch, highWater: takeover.lastID, engine: engine)
                try await self.consume(&state)
                return true
            }
            defer { tasks.cancelAll() }
            while let consumerEnded = try await tasks.next() {
                if consumerEnded { return }
            }
        }
    }

    /// Why the lease was lost, once it has been.
    var leaseLost: String?

    /// Renews the lease until cancelled or lost.
    func heartbeats(epoch: Int64, generation: Int) async {
        while !Task.isCancelled {
            do {
                guard try await lease.heartbeat(epoch: epoch, generation: generation) else {
                    leaseLost = "the lock session ended or the epoch moved on"
                    return
                }
            } catch {
                leaseLost = "\(error)"
                return
            }
            try? await Task.sleep(for: .seconds(options.heartbeatSeconds))
        }
    }

    func checkLease() throws {
        if let why = leaseLost { throw LeaseLost(shard: options.shard, reason: why) }
    }

    nonisolated func consume(_ state: inout OwnerState) async throws {
        try await reclaim(&state, minIdleMs: 0)
        var lastReclaim = ContinuousClock.now
        var lastLayoutCheck = ContinuousClock.now
        while !Task.isCancelled {
            try await checkLease()
            if options.followsLayout, ContinuousClock.now - lastLayoutCheck > .seconds(1) {
                lastLayoutCheck = .now
                // A reshard switching: checkpoint everything applied so far, then let the shard go
                // (the reshard takes the lock next and splits the checkpoints).
                if let layout = try? await ShardLayoutStore.read(redis), layout.state == .switching {
                    try await apply([], to: &state, forceCheckpoint: true)
                    throw ReshardSwitching(generation: layout.generation)
                }
            }
            if ContinuousClock.now - lastReclaim > .seconds(options.reclaimEverySeconds) {
                try await reclaim(&state, minIdleMs: options.reclaimMinIdleMs)
                lastReclaim = .now
            }
            let entries = try await redis.xreadgroup(stream, group: group, consumer: options.consumer, id: ">",
                                                     count: options.entriesPerRead, blockMilliseconds: Int(options.blockSeconds * 1000))
            try await apply(entries, to: &state, forceCheckpoint: false)
        }
        // Graceful stop: one last checkpoint so the next owner continues the book where we left it.
        try await apply([], to: &state, forceCheckpoint: true)
    }

    /// Claims pending entries (all of them at takeover, idle ones later) and applies them in id order.
    /// Entries deleted under the group are loss: alarmed, counted, acknowledged.
    nonisolated func reclaim(_ state: inout OwnerState, minIdleMs: Int) async throws {
        var start = "0-0"
        repeat {
            let claimed = try await redis.xautoclaim(stream, group: group, consumer: options.consumer, minIdleMilliseconds: minIdleMs,
                                                     start: start, count: options.entriesPerRead)
            if !claimed.deletedIDs.isEmpty {
                await noteDeleted(claimed.deletedIDs)
                state.pendingAlarms.append(("pel_deleted", "\(claimed.deletedIDs.count) pending entries were deleted under the group before they were applied: \(claimed.deletedIDs.prefix(20).joined(separator: ","))"))
                _ = try await redis.xack(stream, group: group, ids: claimed.deletedIDs)
            }
            try await apply(claimed.entries, to: &state, forceCheckpoint: false)
            start = claimed.nextStart
        } while start != "0-0"
    }

    /// Compares the stream's incarnation token with the one recorded in PostgreSQL. No token in
    /// Redis: this stream is new (the first owner) or Redis lost its data; the owner sets one. A
    /// token other than the recorded one means the stream this shard was reading is gone, and with
    /// it every entry not yet committed: alarmed (`stream_lost`), counted, logged at critical. The
    /// group was just created at 0, so the new stream is read whole (collectors re-publish their
    /// journals into it; `applied_batches` drops what was applied before).
    func checkIncarnation(_ takeover: Takeover) async throws {
        let key = StreamKeys.incarnation(shard: options.shard)
        var token = try await redis.send(["GET", RedisArgument(key)]).string
        if token == nil {
            _ = try await redis.send(["SET", RedisArgument(key), RedisArgument(UUID().uuidString), "NX"])
            token = try await redis.send(["GET", RedisArgument(key)]).string
        }
        guard let token else { throw StoreInvariantError(description: "the incarnation token \(key) could not be set") }
        guard token != takeover.incarnation else { return }
        var lost: String?
        if let recorded = takeover.incarnation {
            lost = "the shard stream was lost and re-created (incarnation \(recorded) → \(token)): entries not yet committed when Redis lost its data are gone from it; collectors re-publish what their journals hold"
            stats.streamsLost += 1
            metrics.streamsLost.increment()
            logger.critical("LOSS: the shard stream was lost and re-created (Redis lost its data)", metadata: [
                "was": "\(recorded)", "now": "\(token)"])
        }
        guard try await store.recordIncarnation(shard: options.shard, epoch: takeover.epoch, token: token, lost: lost) else {
            throw FencedError(shard: options.shard, epoch: takeover.epoch)
        }
    }

    func noteDeleted(_ ids: [String]) {
        stats.pelDeleted += ids.count
        metrics.pelDeleted.increment(by: ids.count)
        logger.critical("LOSS: pending entries were deleted under the consumer group before they were applied", metadata: [
            "count": "\(ids.count)", "first": "\(ids.first ?? "")"])
    }

    /// Plans, commits and acknowledges one read.
    nonisolated func apply(_ entries: [StreamEntry], to state: inout OwnerState, forceCheckpoint: Bool) async throws {
        let readable = entries.filter { $0.fields != nil }
        let decoded = BatchPlan.decode(readable)
        let ids = decoded.compactMap { e -> BatchID? in
            if case .batch(let b) = e.content { BatchID(b) } else { nil }
        }
        let applied = try await store.appliedBatches(shard: options.shard, ids: ids)
        let plan = BatchPlan.plan(decoded, applied: applied)

        // The projection model: new events, then every minute the watermark has closed.
        for event in plan.modelEvents { state.engine.add(event) }
        for row in plan.liquidations { state.liquidated.insert(InstrumentKey(venue: row.event.venue, instrument: row.event.instrument)) }
        if let ts = plan.maxEventTs { state.maxEventTs = max(state.maxEventTs ?? ts, ts) }
        if let newest = state.maxEventTs {
            let minute = TimeResolution.m1.column(ts: newest - options.watermarkLatenessMs)
            if minute > state.advancedTo {
                for update in state.engine.advance(before: minute) {
                    for column in update.columns { state.pendingColumns[ColumnID(key: column.key, column: column.column)] = column }
                    state.foldMarks(update.marks, of: update.key, resolutions: state.engine.resolutions)
                }
                state.advancedTo = minute
            }
        }

        var high = state.highWater
        for e in entries { if let id = StreamID(e.id), id > high { high = id } }
        var work = CommitWork(shard: options.shard, epoch: state.epoch, lastID: high, plan: plan)
        work.alarms = state.pendingAlarms
        let due = forceCheckpoint || ContinuousClock.now - state.lastCheckpoint > .seconds(options.checkpointSeconds)
        if due {
            work.projectedColumns = state.pendingColumns.keys.sorted().map { state.pendingColumns[$0]! }
            work.marketColumns = state.pendingMarket.keys.sorted().map { state.pendingMarket[$0]! }
            var newest: [InstrumentResolution: Int64] = [:]
            for c in work.projectedColumns {
                let k = InstrumentResolution(key: InstrumentKey(venue: c.key.venue, instrument: c.key.instrument), resolution: c.key.resolution)
                newest[k] = max(newest[k] ?? c.key.tile, c.key.tile)
            }
            work.compactBefore = newest.keys.sorted().map { ($0.key, $0.resolution, newest[$0]!) }
            work.checkpoint = try Array(JSONEncoder().encode(state.engine))
            if let newest = state.maxEventTs, ContinuousClock.now - state.lastRetention > .seconds(options.retentionEverySeconds) {
                work.retention = (state.liquidated.union(state.engine.books.keys).sorted(), options.retention.cutoffTiles(newestEventTs: newest), options.retention.appliedBatchesDays)
            }
        }
        guard !entries.isEmpty || due || !state.pendingAlarms.isEmpty else { return }

        options.failpoint.map { Self.maybeDie(at: .beforeCommit, $0) }
        let started = ContinuousClock.now
        let result: CommitResult
        do {
            result = try await store.commit(work)
        } catch let error as PostgresError where error.kind == .connection {
            // The session went (a server restart, or a takeover ended it while we were paused). One
            // retry on a new session is safe: the fence refuses it if the epoch moved on, and
            // applied_batches refuses it if the lost COMMIT had in fact happened.
            logger.warning("commit lost its session; retrying once on a new one", metadata: ["error": "\(error)"])
            result = try await store.commit(work)
        }
        let took = ContinuousClock.now - started
        options.failpoint.map { Self.maybeDie(at: .afterCommitBeforeAck, $0) }
        if !entries.isEmpty { _ = try await redis.xack(stream, group: group, ids: entries.map(\.id)) }
        options.failpoint.map { Self.maybeDie(at: .afterAck, $0) }

        state.highWater = high
        state.pendingAlarms = []
        if due {
            state.pendingColumns = [:]
            state.pendingMarket = [:]
            state.lastCheckpoint = .now
        }
        if work.retention != nil {
            state.lastRetention = .now
            if result.tilesDropped > 0 { logger.info("retention dropped old tiles", metadata: ["tiles": "\(result.tilesDropped)"]) }
        }
        await record(entries: entries.count, plan: plan, result: result, took: took, late: state.engine.lateEvents, newest: state.maxEventTs)
    }

    func record(entries: Int, plan: BatchPlan, result: CommitResult, took: Duration, late: Int, newest: Int64?) {
        stats.commits += 1
        newestEventTs = newest
        let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
        stats.lastCommitMs = nowMs
        metrics.lastCommit.record(Double(nowMs) / 1000)
        stats.entries += entries
        stats.events += plan.newEvents
        stats.duplicateBatches += plan.duplicateBatches
        stats.liquidationsApplied += result.liquidationsApplied
        stats.duplicateLiquidations += result.duplicateLiquidations + plan.duplicateLiquidationsInRead
        stats.deadLetters += plan.deadLetters.count
        metrics.entries.increment(by: entries)
        metrics.events.increment(by: plan.newEvents)
        metrics.batchesDuplicate.increment(by: plan.duplicateBatches)
        metrics.liquidationsApplied.increment(by: result.liquidationsApplied)
        metrics.liquidationsDuplicate.increment(by: result.duplicateLiquidations + plan.duplicateLiquidationsInRead)
        metrics.deadLetters.increment(by: plan.deadLetters.count)
        metrics.lateEvents.record(late)
        metrics.commitSeconds.recordNanoseconds(took.components.seconds * 1_000_000_000 + took.components.attoseconds / 1_000_000_000)
        if !plan.deadLetters.isEmpty {
            logger.error("stream entries or events could not be applied: kept in dead_letters", metadata: ["count": "\(plan.deadLetters.count)"])
        }
    }

    /// Partition maintenance while this process owns shard 0: at once when the first event is
    /// known, then every retention interval, on a session of its own (so the consumer never waits
    /// for it, and a lock it waits for never holds up a commit). Windows are judged by the newest
    /// event time this owner has seen, as row retention judges them. The maintenance lock keeps it
    /// apart from `liqmap partitions --apply`; a failed step is logged and planned again next time,
    /// never a reason to give up the shard. Ends when owning ends (the task is cancelled).
    nonisolated func maintainPartitions(on session: PostgresClient) async {
        let maintainer = PartitionMaintainer(client: session,
                                             policy: PartitionPolicy(realizedRetentionDays: options.realizedRetentionDays, tiles: options.retention))
        while !Task.isCancelled {
            guard let newest = await newestEventTs else {
                try? await Task.sleep(for: .milliseconds(200))
                continue
            }
            do {
                let outcome = try await maintainer.run(now: Int64(Date().timeIntervalSince1970 * 1000), retentionClock: newest)
                for action in outcome.done { logger.notice("partition maintenance", metadata: ["step": "\(action)"]) }
                for (action, error) in outcome.failed {
                    logger.warning("partition maintenance step failed; planned again next time", metadata: ["step": "\(action)", "error": "\(error)"])
                }
            } catch {
                logger.warning("partition maintenance failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(options.retentionEverySeconds))
        }
    }

    /// The engine from the checkpoint, or a new one.
    func restoreEngine() async throws -> ProjectionEngine {
        if let checkpoint = try await store.checkpoint(shard: options.shard) {
            do {
                let engine = try JSONDecoder().decode(ProjectionEngine.self, from: Data(checkpoint.engine))
                logger.info("projection restored from checkpoint", metadata: ["stream_id": "\(checkpoint.streamID)", "books": "\(engine.books.count)"])
                return engine
            } catch {
                logger.error("projection checkpoint unreadable: starting the books empty", metadata: ["error": "\(error)"])
            }
        }
        return ProjectionEngine(parameters: parameters, marginTables: marginTables)
    }

    static func maybeDie(at site: Failpoint.Site, _ failpoint: Failpoint) {
        guard failpoint.site == site, Double.random(in: 0..<1) < failpoint.probability else { return }
        FileHandle.standardError.write(Data("liqmap aggregator: failpoint \(site.rawValue): SIGKILL\n".utf8))
        kill(getpid(), SIGKILL)
    }
}

/// The owner lost its lease (its lock session ended, or the epoch moved on).
public struct LeaseLost: Error, Sendable, CustomStringConvertible {
    public let shard: Int
    public let reason: String
    public var description: String { "shard \(shard): lease lost (\(reason))" }
}

/// What an owner holds in memory between reads; dropped whole when it stops owning.
struct OwnerState: Sendable {
    var epoch: Int64
    var highWater: StreamID
    var engine: ProjectionEngine
    var maxEventTs: Int64?
    var advancedTo: Int64 = .min
    var pendingColumns: [ColumnID: ProjectedColumn] = [:]
    /// Price and open interest per (instrument, resolution, column) since the last checkpoint.
    var pendingMarket: [MarketColumnID: MarketColumn] = [:]
    var pendingAlarms: [(kind: String, detail: String)] = []
    var lastCheckpoint = ContinuousClock.now
    var lastRetention = ContinuousClock.now - .seconds(86_400)
    /// Instruments with liquidations this owner applied; with the engine's books, the instruments
    /// whose rows retention may drop.
    var liquidated = Set<InstrumentKey>()
}

extension OwnerState {
    /// Folds an instrument's minute marks into the pending market column of every resolution.
    mutating func foldMarks(_ marks: [MinuteMark], of key: InstrumentKey, resolutions: [TimeResolution]) {
        for mark in marks {
            for resolution in resolutions {
                let column = resolution.column(containing: mark.minute, of: .m1)
                let id = MarketColumnID(key: key, resolution: resolution, column: column)
                if pendingMarket[id] == nil {
                    pendingMarket[id] = MarketColumn(venue: key.venue, instrument: key.instrument, resolution: resolution, column: column,
                                                     close: mark.close, high: mark.high, low: mark.low, openInterestUSD: mark.openInterestUSD)
                } else {
                    pendingMarket[id]!.fold(close: mark.close, high: mark.high, low: mark.low, openInterestUSD: mark.openInterestUSD)
                }
            }
        }
    }
}

struct MarketColumnID: Hashable, Comparable, Sendable {
    var key: InstrumentKey
    var resolution: TimeResolution
    var column: Int64
    static func < (a: MarketColumnID, b: MarketColumnID) -> Bool { (a.key, a.resolution, a.column) < (b.key, b.resolution, b.column) }
}

struct ColumnID: Hashable, Comparable, Sendable {
    var key: TileKey
    var column: UInt8
    static func < (a: ColumnID, b: ColumnID) -> Bool { (a.key, a.column) < (b.key, b.column) }
}

struct InstrumentResolution: Hashable, Comparable, Sendable {
    var key: InstrumentKey
    var resolution: TimeResolution
    static func < (a: InstrumentResolution, b: InstrumentResolution) -> Bool { (a.key, a.resolution) < (b.key, b.resolution) }
}
