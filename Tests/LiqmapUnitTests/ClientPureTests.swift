import Foundation
@testable import LiqmapPostgres
import LiqmapRedis
import Testing

@Suite("C-client wrappers: the parts that need no server")
struct ClientPureTests {
    @Test("Redis URLs", arguments: [
        ("redis://127.0.0.1:6379", RedisEndpoint(host: "127.0.0.1", port: 6379)),
        ("redis://localhost", RedisEndpoint(host: "localhost", port: 6379)),
        ("redis://h:7000/15", RedisEndpoint(host: "h", port: 7000, database: 15)),
        ("redis://:s3cret@h:7000/2", RedisEndpoint(host: "h", port: 7000, password: "s3cret", database: 2)),
        ("redis://user:pw@h", RedisEndpoint(host: "h", port: 6379, password: "pw")),
    ])
    func redisURLs(_ url: String, _ expected: RedisEndpoint) throws {
        #expect(try RedisEndpoint(url: url) == expected)
    }

    @Test("bad Redis URLs are refused", arguments: ["http://h", "redis://", "redis://h:0", "redis://h:99999", "redis://h:x", "redis://h/db"])
    func badRedisURLs(_ url: String) {
        #expect(throws: RedisError.self) { try RedisEndpoint(url: url) }
    }

    @Test("the password never shows in the description")
    func redisDescription() throws {
        #expect(try RedisEndpoint(url: "redis://:s3cret@h:1/0").description == "redis://h:1/0")
    }

    @Test("reply helpers")
    func replies() {
        #expect(RedisReply.bulk(Array("12".utf8)).int == 12)
        #expect(RedisReply.array([.bulk(Array("a".utf8)), .integer(1), .bulk(Array("b".utf8)), .null]).map == ["a": .integer(1), "b": .null])
        #expect(RedisReply.array([.integer(1)]).map == nil)
        #expect(RedisError(.server, "NOGROUP No such key").serverCode == "NOGROUP")
        #expect(RedisError(.connection, "x").serverCode == nil)
    }

    @Test("interpolated values become parameters, never SQL text")
    func query() {
        let venue = "x'); DROP TABLE t; --"
        let n: Int64 = 5
        let none: String? = nil
        let q: PGQuery = "SELECT * FROM \(identifier: "we\"ird") WHERE venue = \(venue) AND n > \(n) AND m IS \(none)"
        #expect(q.sql == #"SELECT * FROM "we""ird" WHERE venue = $1 AND n > $2 AND m IS $3"#)
        #expect(q.binds.count == 3)
        #expect(q.binds[0].bytes == Array(venue.utf8))
        #expect(q.binds[1] == PGParameter(bytes: Array("5".utf8), oid: PGType.int8))
        #expect(q.binds[2].bytes == nil)
    }

    @Test("COPY text escaping")
    func copyEscaping() {
        var out: [UInt8] = []
        PGCopyWriter.escape("a\tb\nc\\d\re".utf8, into: &out)
        #expect(String(decoding: out, as: UTF8.self) == #"a\tb\nc\\d\re"#)
    }

    @Test("text-format decoding")
    func decoding() throws {
        #expect(try PGBytes(pgText: Array(#"\x00ff10"#.utf8), oid: PGType.bytea).bytes == [0, 255, 16])
        #expect(throws: PostgresError.self) { try PGBytes(pgText: Array(#"\x0"#.utf8), oid: PGType.bytea) }
        #expect(try Double(pgText: Array("NaN".utf8), oid: PGType.float8).isNaN)
        #expect(try Bool(pgText: Array("t".utf8), oid: PGType.bool))
        #expect(throws: PostgresError.self) { try Int64(pgText: Array("12x".utf8), oid: PGType.int8) }
        #expect(try Decimal(pgText: Array("0.1".utf8), oid: PGType.numeric) == Decimal(string: "0.1")!)
    }
}
