import Foundation
@testable import LiqmapRedis
import Testing

/// The cluster client's key-position table knows every command the code base sends, so a new one
/// cannot be routed by a guess unnoticed.
@Suite("Redis Cluster: every command the sources send is in the key table")
struct RedisCommandCoverageTests {
    /// Command names as the sources write them: `send(["HSET", …`, `args: [RedisArgument] = ["XREADGROUP", …`,
    /// `writer.argument("XADD")`.
    static func commandsInSources() throws -> [String: [String]] {
        let pattern = try NSRegularExpression(pattern: #"(?:send\(\[|\[RedisArgument\] = \[|writer\.argument\(|pipeline\(\[\[)\s*"([A-Za-z_]+)""#)
        var found: [String: [String]] = [:]
        let sources = Repository.url("Sources")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        for file in files where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                guard let range = Range(match.range(at: 1), in: text) else { continue }
                found[text[range].uppercased(), default: []].append(file.lastPathComponent)
            }
        }
        return found
    }

    @Test("each command string in Sources/ has an entry in RedisCommandKeys")
    func everyCommandIsKnown() throws {
        let found = try Self.commandsInSources()
        for name in ["XADD", "XREADGROUP", "XACK", "XAUTOCLAIM", "XPENDING", "XINFO", "XGROUP", "XRANGE", "XTRIM", "EXISTS", "HSET", "HGETALL",
                     "HDEL", "DEL", "PING", "FLUSHDB"] {
            #expect(found[name] != nil, "the scan finds \(name): it still reads the sources")
        }
        for (name, files) in found.sorted(by: { $0.key < $1.key }) {
            #expect(RedisCommandKeys.table[name] != nil, "\(name) (sent in \(Set(files).sorted())) is not in RedisCommandKeys.table")
        }
    }
}
