import LiqmapCore

/// One schema change: a version, a name and static SQL. Migrations are immutable once released:
/// the migrator stores each one's checksum and refuses to run against a database where an applied
/// migration's text has since changed. New changes get a new version.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let sql: StaticString

    public init(version: Int, name: String, sql: StaticString) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// FNV-1a 64 of the SQL text, as 16 hex digits.
    public var checksum: String {
        let h = ShardMap.fnv1a64(sql.description)
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// Every migration, in version order. Add new ones at the end; never edit a released one.
public enum Migrations {
    public static let all: [Migration] = [
        m0001Foundation,
        m0002Aggregation,
        m0003ApiKeys,
        m0004Market,
        m0005Partitions,
        m0006StreamIncarnation,
    ]
}
