import Foundation
import Glibc

/// A physical streaming-replication standby of a ``PrivateServers`` PostgreSQL, for tests of the
/// gateway's read replica: `pg_basebackup -R` of the running primary into the same folder, started on
/// a free port as a hot standby. It replays the primary's WAL and refuses writes and `LISTEN`.
public final class PrivateStandby: Sendable {
    public let port: Int
    let data: String
    let primary: PrivateServers

    /// `liqmap`'s URL on the standby (the role and databases come over with the base backup).
    public var postgresURL: String { "postgresql://liqmap@127.0.0.1:\(port)/liqmap" }

    /// Backs the primary up and starts the standby; the primary must be running.
    public init(of primary: PrivateServers) throws {
        self.primary = primary
        port = try PrivateServers.freePort(avoiding: primary.postgresPort)
        data = primary.home + "/standby"
        let bin = try Self.binaries()
        try run([bin + "/pg_basebackup", "-h", "127.0.0.1", "-p", String(primary.postgresPort), "-U", "postgres", "-D", data,
                 "-R", "-X", "stream", "-c", "fast"], log: "basebackup")
        do {
            try run([bin + "/pg_ctl", "-D", data, "-l", primary.home + "/standby.log", "-w", "-t", "60", "-o",
                     "-p \(port) -k \(primary.home)/pgsock -c listen_addresses=127.0.0.1 -c hot_standby=on -c fsync=off -c max_connections=200", "start"], log: "start")
        } catch let failure as PrivateServers.Failure {
            let log = (try? String(contentsOfFile: primary.home + "/standby.log", encoding: .utf8)) ?? ""
            throw PrivateServers.Failure(description: "\(failure.description)\nserver log:\n\(log.suffix(3000))")
        }
    }

    /// Stops the standby at once (call before the primary's `tearDown`, which deletes the folder).
    public func stop() {
        guard let bin = try? Self.binaries() else { return }
        try? run([bin + "/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"], log: "stop")
    }

    /// The newest `/usr/lib/postgresql/<v>/bin`, as `Deploy/local/services` picks it.
    static func binaries() throws -> String {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        guard let newest = versions.last else { throw PrivateServers.Failure(description: "no PostgreSQL under \(root)") }
        return "\(root)/\(newest)/bin"
    }

    /// Runs a server tool as the `postgres` user when we are root (the server refuses to run as root).
    private func run(_ argv: [String], log: String) throws {
        let logPath = primary.home + "/standby-\(log).log"
        let command = getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + argv : argv
        let status = try ChildProcess(command, log: logPath, truncate: true).waitBlocking()
        guard status == 0 else {
            throw PrivateServers.Failure(description: "\(argv.joined(separator: " ")) exited \(status): \((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")")
        }
    }
}
