import Foundation
import LiqmapTesting

/// Network namespaces for the partition faults: a bridge in the runner's namespace holding the
/// servers' extra address (`10.201.N.1/24`), and one namespace per attached process, linked to the
/// bridge by a veth pair. Cutting a process's link (`ip link set DEV down`) partitions it from Redis
/// and PostgreSQL while everything else keeps running. Needs root (CAP_NET_ADMIN).
public final class NetworkLab: @unchecked Sendable {
    /// The servers' address on the bridge.
    public let serverAddress: String
    private let tag: String
    private let subnet: String
    private let dir: String
    private let lock = NSLock()
    private var attached: [String: (namespace: String, device: String)] = [:]
    private var next = 2

    /// Creates the bridge; `dir` holds the `ip` commands' output while the lab exists.
    public init(dir: String) throws {
        tag = String(UUID().uuidString.prefix(6)).lowercased()
        let n = Int.random(in: 0...255)
        subnet = "10.201.\(n)"
        serverAddress = "\(subnet).1"
        self.dir = dir
        // A MAC address of its own: otherwise a bridge takes its ports' lowest one and changes it when
        // that port goes down, and every other namespace's ARP entry then points nowhere for ~30 s.
        let mac = "02:" + (0..<5).map { _ in String(format: "%02x", Int.random(in: 0...255)) }.joined(separator: ":")
        try ip(["link", "add", "lqb\(tag)", "address", mac, "type", "bridge"])
        try ip(["addr", "add", "\(serverAddress)/24", "dev", "lqb\(tag)"])
        try ip(["link", "set", "lqb\(tag)", "up"])
    }

    /// A namespace for the process called `name`, linked to the bridge; the argv prefix that runs a
    /// command inside it (`ip netns exec` execs, so the pid stays the command's).
    public func attach(_ name: String) throws -> [String] {
        let (k, ns, dev) = lock.withLock { () -> (Int, String, String) in
            defer { next += 1 }
            return (next, "lq\(tag)-\(next)", "lqv\(tag)\(next)")
        }
        guard k < 255 else { throw HarnessFailure(description: "the network lab ran out of addresses") }
        try ip(["netns", "add", ns])
        try ip(["link", "add", dev, "type", "veth", "peer", "name", "eth\(k)", "netns", ns])
        try ip(["link", "set", dev, "master", "lqb\(tag)"])
        try ip(["link", "set", dev, "up"])
        try ip(["-n", ns, "addr", "add", "\(subnet).\(k)/24", "dev", "eth\(k)"])
        try ip(["-n", ns, "link", "set", "eth\(k)", "up"])
        try ip(["-n", ns, "link", "set", "lo", "up"])
        lock.withLock { attached[name] = (ns, dev) }
        return ["/usr/sbin/ip", "netns", "exec", ns]
    }

    /// True when `name` runs in a namespace of this lab.
    public func has(_ name: String) -> Bool { lock.withLock { attached[name] != nil } }

    /// Cuts (`down`) or restores the link of the process called `name`.
    public func link(_ name: String, up: Bool) throws {
        guard let dev = lock.withLock({ attached[name]?.device }) else { throw HarnessFailure(description: "\(name) is not in the network lab") }
        try ip(["link", "set", dev, up ? "up" : "down"])
    }

    /// Deletes every namespace (their veth pairs go with them) and the bridge.
    public func tearDown() {
        for (ns, _) in lock.withLock({ Array(attached.values) }) { try? ip(["netns", "delete", ns]) }
        try? ip(["link", "delete", "lqb\(tag)"])
        try? FileManager.default.removeItem(atPath: "\(dir)/liqmap-netlab-\(tag).log")
    }

    private func ip(_ args: [String]) throws {
        let log = "\(dir)/liqmap-netlab-\(tag).log"
        let status = try ChildProcess(["/usr/sbin/ip"] + args, log: log, truncate: true).waitBlocking()
        guard status == 0 else {
            throw HarnessFailure(description: "ip \(args.joined(separator: " ")) exited \(status): \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        }
    }
}
