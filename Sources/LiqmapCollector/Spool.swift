import Foundation

/// An append-only file of encoded batches waiting for Redis, in order. The collector writes here
/// while Redis is unreachable and drains it, oldest first, once Redis answers again, so an outage
/// costs disk, not events.
///
/// Record format: `LQSP1 <shard> <fields>\n`, then per field `<name> <length>\n<bytes>\n`.
final class Spool {
    let path: String
    private(set) var records = 0

    init(path: String) throws {
        self.path = path
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        if FileManager.default.fileExists(atPath: path) {
            records = try readAll().count  // batches left by an earlier run are sent first
        } else {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
    }

    func append(shard: Int, fields: [(name: String, value: [UInt8])]) throws {
        var out = Array("LQSP1 \(shard) \(fields.count)\n".utf8)
        for f in fields {
            out += Array("\(f.name) \(f.value.count)\n".utf8)
            out += f.value
            out.append(0x0A)
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: out)
        try handle.synchronize()
        records += 1
    }

    func readAll() throws -> [(shard: Int, fields: [(name: String, value: [UInt8])])] {
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var i = 0
        func line() throws -> [Substring] {
            guard let end = data[i...].firstIndex(of: 0x0A) else { throw SpoolError.corrupt(path) }
            let text = String(decoding: data[i..<end], as: UTF8.self)
            i = end + 1
            return text.split(separator: " ")
        }
        var out: [(Int, [(name: String, value: [UInt8])])] = []
        while i < data.count {
            let header = try line()
            guard header.count == 3, header[0] == "LQSP1", let shard = Int(header[1]), let n = Int(header[2]) else { throw SpoolError.corrupt(path) }
            var fields: [(name: String, value: [UInt8])] = []
            for _ in 0..<n {
                let f = try line()
                guard f.count == 2, let length = Int(f[1]), i + length < data.count || (i + length == data.count - 1) else { throw SpoolError.corrupt(path) }
                fields.append((String(f[0]), Array(data[i..<(i + length)])))
                i += length + 1
            }
            out.append((shard, fields))
        }
        return out
    }

    func clear() throws {
        try Data().write(to: URL(fileURLWithPath: path))
        records = 0
    }

    enum SpoolError: Error, CustomStringConvertible {
        case corrupt(String)
        var description: String {
            switch self { case .corrupt(let p): "spool \(p) is corrupt" }
        }
    }
}
