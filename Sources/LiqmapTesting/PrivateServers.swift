import Foundation
import Glibc

/// A private Redis or PostgreSQL server for one test, started through `Deploy/local/services` with
/// its own data folder and free ports, so a test can kill and restart it without touching anyone
/// else's server.
public final class PrivateServers: Sendable {
    /// Which server.
    public enum Service: String, Sendable { case redis, postgres }

    public let home: String
    public let redisPort: Int
    public let postgresPort: Int
    /// One more IPv4 address both servers listen on (`LIQMAP_BIND_EXTRA`): where processes in other
    /// network namespaces reach them.
    public let bindExtra: String?
    /// When set (a size such as `64m`), Redis's data folder is a tmpfs of that size in a mount
    /// namespace of its own (`LIQMAP_REDIS_AOF_TMPFS`); a restart starts it empty.
    public let redisAOFTmpfs: String?

    public var redisURL: String { "redis://127.0.0.1:\(redisPort)" }
    public var postgresURL: String { "postgresql://liqmap@127.0.0.1:\(postgresPort)/liqmap" }

    /// Picks free ports and a temporary folder; starts nothing yet.
    public init(bindExtra: String? = nil, redisAOFTmpfs: String? = nil) throws {
        self.bindExtra = bindExtra
        self.redisAOFTmpfs = redisAOFTmpfs
        home = NSTemporaryDirectory() + "liqmap-test-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        _ = chmod(home, 0o755)  // PostgreSQL runs as the postgres user and must reach its data folder
        redisPort = try Self.freePort()
        postgresPort = try Self.freePort(avoiding: redisPort)
    }

    /// The running Redis server's pid, from its pid file.
    public var redisPid: Int32? {
        (try? String(contentsOfFile: home + "/redis/redis.pid", encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// `services up <service>`.
    public func start(_ service: Service) throws { try run("up", service) }
    /// `services kill <service>`: kill -9 Redis, immediate stop (SIGQUIT) PostgreSQL.
    public func kill(_ service: Service) throws { try run("kill", service) }
    /// `services down <service>`.
    public func stop(_ service: Service) throws { try run("down", service) }

    /// Stops both servers (ignoring ones never started) and deletes the folder.
    public func tearDown() {
        try? run("down", .redis)
        try? run("down", .postgres)
        try? FileManager.default.removeItem(atPath: home)
    }

    /// The failure of a `services` call, with what it printed.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private func run(_ verb: String, _ service: Service) throws {
        var environment = ProcessInfo.processInfo.environment
        environment["LIQMAP_HOME"] = home
        environment["LIQMAP_REDIS_PORT"] = String(redisPort)
        environment["LIQMAP_PG_PORT"] = String(postgresPort)
        environment["LIQMAP_PG_FSYNC"] = "off"
        environment["LIQMAP_BIND_EXTRA"] = bindExtra
        environment["LIQMAP_REDIS_AOF_TMPFS"] = redisAOFTmpfs
        // Output goes to a file, not a pipe: the daemons the script starts must not hold our end open.
        let logPath = home + "/services-\(verb)-\(service.rawValue).log"
        let status = try Self.spawnAndWait([Self.servicesScript, verb, service.rawValue], environment: environment, output: logPath)
        guard status == 0 else {
            let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            throw Failure(description: "Deploy/local/services \(verb) \(service.rawValue) exited \(status): \(text)")
        }
    }

    /// Starts a command and waits for it (Foundation's Process can miss the child's exit off the
    /// main thread), its output in `output`.
    static func spawnAndWait(_ argv: [String], environment: [String: String], output: String) throws -> Int32 {
        try ChildProcess(argv, environment: environment, log: output, truncate: true).waitBlocking()
    }

    /// `<repo>/Deploy/local/services`, found from this file's path.
    static let servicesScript: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // PrivateServers.swift, LiqmapTesting, Sources
        return url.appendingPathComponent("Deploy/local/services").path
    }()

    /// The first of `count` consecutive TCP ports on 127.0.0.1 that nothing listens on right now.
    public static func freePorts(count: Int) throws -> Int {
        for _ in 0..<200 {
            let base = Int.random(in: 20_000...(60_000 - count))
            if (base..<(base + count)).allSatisfy(isFree) { return base }
        }
        throw Failure(description: "no \(count) consecutive free ports found")
    }

    /// True when `port` on 127.0.0.1 can be bound now.
    static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    /// A TCP port on 127.0.0.1 that nothing listens on right now.
    public static func freePort(avoiding other: Int = 0) throws -> Int {
        for _ in 0..<20 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw Failure(description: "socket() failed") }
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = 0
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
            }
            guard bound == 0 else { continue }
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            let port = Int(UInt16(bigEndian: address.sin_port))
            if port != other { return port }
        }
        throw Failure(description: "no free port found")
    }
}
