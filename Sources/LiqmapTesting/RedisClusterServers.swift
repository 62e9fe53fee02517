import Foundation
import Glibc
import LiqmapRedis

/// A private Redis Cluster for one test: `nodes` primaries (no replicas) on loopback, each a
/// `redis-server` child process with its own free ports (client and cluster bus) and data folder,
/// joined with `redis-cli --cluster create`, and ready once every node says `cluster_state:ok`
/// and serves the same slot map. Moves slots on command (``migrate(slot:to:pause:)``), the way an
/// operator reshards, so tests can see clients through `ASK` and `MOVED`.
public final class RedisClusterServers: Sendable {
    public let home: String
    public let ports: [Int]
    /// Node ids (`CLUSTER MYID`), by node index.
    public let ids: [String]
    /// A single-server client per node, for looking at one node directly.
    public let nodeClients: [RedisClient]
    private let processes: [ChildProcess]

    /// `redis-cluster://127.0.0.1:<p1>,…`: every node is a seed.
    public var url: String { RedisClusterEndpoint.scheme + ports.map { "127.0.0.1:\($0)" }.joined(separator: ",") }
    public var addresses: [RedisNodeAddress] { ports.map { RedisNodeAddress(host: "127.0.0.1", port: $0) } }

    /// A test's failure to set the cluster up, with what the servers said.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private init(home: String, ports: [Int], ids: [String], processes: [ChildProcess]) {
        self.home = home
        self.ports = ports
        self.ids = ids
        self.processes = processes
        self.nodeClients = ports.map { RedisClient(endpoint: RedisEndpoint(host: "127.0.0.1", port: $0), timeout: 10) }
    }

    /// Starts the servers, creates the cluster and waits until it is ready. Fails (never skips)
    /// when `redis-server` or `redis-cli` is not installed.
    public static func start(nodes: Int = 3) async throws -> RedisClusterServers {
        let server = try executable("redis-server")
        let cli = try executable("redis-cli")
        let home = NSTemporaryDirectory() + "liqmap-cluster-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        // A client port and a cluster bus port per node (`cluster-port`: the default, port + 10000,
        // may be taken or past 65535).
        var taken: [Int] = []
        for _ in 0..<(2 * nodes) { taken.append(try freePort(avoiding: taken)) }
        let ports = Array(taken[0..<nodes]), busPorts = Array(taken[nodes...])
        var processes: [ChildProcess] = []
        func fail(_ message: String) -> Failure {
            for p in processes { p.signal(SIGKILL); _ = p.poll() }
            let logs = (0..<processes.count).map { i in
                "node \(i): " + ((try? String(contentsOfFile: home + "/node\(i).log", encoding: .utf8)) ?? "").suffix(2000)
            }
            return Failure(description: message + "\n" + logs.joined(separator: "\n"))
        }
        for i in 0..<nodes {
            let dir = home + "/node\(i)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            processes.append(try ChildProcess([
                server, "--port", String(ports[i]), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
                "--cluster-port", String(busPorts[i]), "--cluster-config-file", dir + "/nodes.conf",
                "--cluster-node-timeout", "5000", "--dir", dir, "--appendonly", "no", "--save", "",
                "--daemonize", "no", "--logfile", "", "--protected-mode", "no",
            ], log: home + "/node\(i).log", truncate: true))
        }
        let clients = ports.map { RedisClient(endpoint: RedisEndpoint(host: "127.0.0.1", port: $0), timeout: 5) }
        var ids: [String] = []
        for (i, client) in clients.enumerated() {
            let deadline = ContinuousClock.now + .seconds(15)
            var id: String?
            while id == nil, ContinuousClock.now < deadline {
                id = try? await client.send(["CLUSTER", "MYID"]).string
                if id == nil { try await Task.sleep(for: .milliseconds(50)) }
            }
            guard let id else { throw fail("redis-server node \(i) on port \(ports[i]) did not answer within 15 s") }
            ids.append(id)
        }
        let createLog = home + "/create.log"
        let status = try PrivateServers.spawnAndWait(
            [cli, "--cluster", "create"] + ports.map { "127.0.0.1:\($0)" } + ["--cluster-replicas", "0", "--cluster-yes"],
            environment: ProcessInfo.processInfo.environment, output: createLog)
        guard status == 0 else {
            throw fail("redis-cli --cluster create exited \(status): " + ((try? String(contentsOfFile: createLog, encoding: .utf8)) ?? ""))
        }
        let servers = RedisClusterServers(home: home, ports: ports, ids: ids, processes: processes)
        do {
            try await servers.waitUntilReady()
        } catch {
            servers.tearDown()
            throw error
        }
        return servers
    }

    /// Waits until every node reports `cluster_state:ok` and every node's `CLUSTER SLOTS` names the
    /// same owner for every slot.
    public func waitUntilReady(seconds: Double = 30) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        var last = ""
        while ContinuousClock.now < deadline {
            do {
                var maps: [RedisSlotMap] = []
                var ok = true
                for (i, client) in nodeClients.enumerated() {
                    let info = try await client.send(["CLUSTER", "INFO"]).string ?? ""
                    if !info.contains("cluster_state:ok") { ok = false }
                    maps.append(try RedisSlotMap(clusterSlots: try await client.send(["CLUSTER", "SLOTS"]), replyingHost: "127.0.0.1"))
                    last = "node \(i): \(info.split(separator: "\r\n").first ?? "")"
                }
                if ok, maps.allSatisfy({ $0.assignedSlots == RedisHashSlot.count && $0 == maps[0] }) { return }
                last += "; slot maps agree: \(maps.allSatisfy { $0 == maps[0] })"
            } catch {
                last = "\(error)"
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure(description: "the cluster in \(home) was not ready within \(seconds) s: \(last)")
    }

    /// The index of the node serving `slot`, as node 0 sees it.
    public func owner(ofSlot slot: Int) async throws -> Int {
        let map = try RedisSlotMap(clusterSlots: try await nodeClients[0].send(["CLUSTER", "SLOTS"]), replyingHost: "127.0.0.1")
        guard let node = map.node(forSlot: slot), let index = addresses.firstIndex(of: node) else {
            throw Failure(description: "slot \(slot) has no owner")
        }
        return index
    }

    /// The index of the node serving `key`.
    public func owner(ofKey key: String) async throws -> Int { try await owner(ofSlot: RedisHashSlot.slot(of: key)) }

    /// Moves `slot` to node `target` the way `redis-cli --cluster reshard` does, while clients keep
    /// working: `CLUSTER SETSLOT … IMPORTING` on the target, `… MIGRATING` on the source, `MIGRATE`
    /// of the slot's keys in batches, then `CLUSTER SETSLOT … NODE <target>` on the target, the
    /// source and the other nodes. `pause` is waited after MIGRATING (clients still served by the
    /// source) and after the keys moved (clients get `ASK`); after the last step they get `MOVED`.
    public func migrate(slot: Int, to target: Int, pause: Duration = .zero) async throws {
        let source = try await startMigration(slot: slot, to: target)
        try await Task.sleep(for: pause)
        try await moveKeys(slot: slot, from: source, to: target)
        try await Task.sleep(for: pause)
        try await finishMigration(slot: slot, from: source, to: target)
    }

    /// The first step of ``migrate(slot:to:pause:)``: IMPORTING on the target, MIGRATING on the
    /// source. Returns the source node's index.
    @discardableResult
    public func startMigration(slot: Int, to target: Int) async throws -> Int {
        let source = try await owner(ofSlot: slot)
        guard source != target else { throw Failure(description: "slot \(slot) is already on node \(target)") }
        try await nodeClients[target].send(["CLUSTER", "SETSLOT", RedisArgument(slot), "IMPORTING", RedisArgument(ids[source])])
        try await nodeClients[source].send(["CLUSTER", "SETSLOT", RedisArgument(slot), "MIGRATING", RedisArgument(ids[target])])
        return source
    }

    /// `MIGRATE`s `keys` (nil: every key of the slot, in batches) from the source to the target.
    public func moveKeys(slot: Int, from source: Int, to target: Int, keys only: [String]? = nil) async throws {
        while true {
            var keys: [RedisArgument]
            if let only {
                keys = only.map { RedisArgument($0) }
            } else {
                keys = []
                for key in try await nodeClients[source].send(["CLUSTER", "GETKEYSINSLOT", RedisArgument(slot), "100"]).array ?? [] {
                    guard let bytes = key.bytes else { throw Failure(description: "GETKEYSINSLOT: \(key)") }
                    keys.append(RedisArgument(bytes: bytes))
                }
            }
            if keys.isEmpty { return }
            try await nodeClients[source].send(["MIGRATE", "127.0.0.1", RedisArgument(ports[target]), "", "0", "10000", "KEYS"] + keys)
            if only != nil { return }
        }
    }

    /// The last step: `CLUSTER SETSLOT <slot> NODE <target>` on the target, the source and the
    /// other nodes, then waits until every node agrees.
    public func finishMigration(slot: Int, from source: Int, to target: Int) async throws {
        let order = [target, source] + (0..<ports.count).filter { $0 != target && $0 != source }
        for node in order {
            try await nodeClients[node].send(["CLUSTER", "SETSLOT", RedisArgument(slot), "NODE", RedisArgument(ids[target])])
        }
        try await waitUntilReady()
    }

    /// Stops every node (SIGTERM, then SIGKILL after 5 s) and deletes the folder.
    public func tearDown() {
        for p in processes { p.signal(SIGTERM) }
        for p in processes {
            var waited = 0
            while p.poll() == nil, waited < 500 {
                usleep(10_000)
                waited += 1
            }
            if p.poll() == nil {
                p.signal(SIGKILL)
                _ = try? p.waitBlocking()
            }
        }
        try? FileManager.default.removeItem(atPath: home)
    }

    /// The absolute path of an installed program, or a failure that says how to install it.
    public static func executable(_ name: String) throws -> String {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for dir in path + ["/usr/bin", "/usr/local/bin", "/usr/sbin", "/bin"] {
            let candidate = dir + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw Failure(description: "\(name) is not installed: the Redis Cluster tests need redis-server and redis-cli (apt-get install redis-server redis-tools, or Deploy/local/services install)")
    }

    /// A TCP port on 127.0.0.1 that nothing listens on and that is not in `taken`.
    public static func freePort(avoiding taken: [Int] = []) throws -> Int {
        for _ in 0..<50 {
            let port = try PrivateServers.freePort()
            if !taken.contains(port) { return port }
        }
        throw Failure(description: "no free port found")
    }
}
