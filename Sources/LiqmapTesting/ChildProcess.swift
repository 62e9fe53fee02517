import Foundation
import Glibc

/// A child process a test starts, signals (SIGKILL, SIGSTOP, SIGCONT, SIGTERM) and reaps, with its
/// output in a file. Started with no signals blocked, like a process an operator starts.
public final class ChildProcess: @unchecked Sendable {
    public let pid: pid_t
    public let argv: [String]
    public let logPath: String
    private let lock = NSLock()
    private var status: Int32?

    /// Starts `argv` (an absolute path first) with its output appended to `log`, or written anew
    /// when `truncate`. The test runner blocks some signals; a child starts with none blocked and
    /// default handlers, or a server it starts would ignore the SIGTERM that stops it.
    public init(_ argv: [String], environment: [String: String] = ProcessInfo.processInfo.environment, log logPath: String,
                truncate: Bool = false) throws {
        self.argv = argv
        self.logPath = logPath
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | (truncate ? O_TRUNC : O_APPEND), 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, &attributes, cArgs, cEnv)
        guard spawned == 0 else { throw PrivateServers.Failure(description: "cannot start \(argv[0]): error \(spawned)") }
        self.pid = pid
    }

    /// Sends a signal.
    public func signal(_ sig: Int32) { _ = Glibc.kill(pid, sig) }

    /// The exit status once it has ended (128 + signal for a signal), else nil. Reaps it.
    public func poll() -> Int32? {
        lock.lock()
        defer { lock.unlock() }
        if let status { return status }
        var raw: Int32 = 0
        let r = waitpid(pid, &raw, WNOHANG)
        guard r == pid else { return nil }
        status = (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
        return status
    }

    /// Blocks the calling thread until the exit; returns the status (128 + signal for a signal).
    public func waitBlocking() throws -> Int32 {
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) < 0 {
            guard errno == EINTR else { throw PrivateServers.Failure(description: "waitpid failed: \(errno)") }
        }
        let status = (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
        lock.lock()
        self.status = status
        lock.unlock()
        return status
    }

    /// Waits up to `seconds` for the exit; nil if it is still running.
    public func wait(seconds: Double) async -> Int32? {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if let s = poll() { return s }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return poll()
    }

    /// SIGKILL and reap.
    public func killNow() async {
        signal(SIGKILL)
        _ = await wait(seconds: 10)
    }

    /// What it has written so far.
    public var output: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// The `liqmap` executable next to the test bundle (SwiftPM builds it with the tests).
    public static var liqmapExecutable: String {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        for _ in 0..<4 {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("liqmap").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return URL(fileURLWithPath: PrivateServers.servicesScript).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/liqmap").path
    }
}
