import Foundation

/// A SQL statement with its values bound as parameters, never spliced into the text.
///
/// ```swift
/// let q: PGQuery = "SELECT n FROM t WHERE venue = \(venue) AND ts >= \(from)"
/// // sql: "SELECT n FROM t WHERE venue = $1 AND ts >= $2", binds: [venue, from]
/// ```
/// Identifiers (schema or table names chosen at run time) go through `\(identifier:)`, which quotes
/// them; `\(unescaped:)` is the explicit, greppable way to splice trusted SQL text.
public struct PGQuery: Sendable, Hashable, ExpressibleByStringInterpolation {
    public var sql: String
    public var binds: [PGParameter]

    public init(sql: String, binds: [PGParameter]) {
        self.sql = sql
        self.binds = binds
    }

    public init(stringLiteral value: String) {
        self.init(sql: value, binds: [])
    }

    public init(stringInterpolation: StringInterpolation) {
        self.init(sql: stringInterpolation.sql, binds: stringInterpolation.binds)
    }

    /// Builds the SQL text and the parameter list side by side.
    public struct StringInterpolation: StringInterpolationProtocol {
        var sql = ""
        var binds: [PGParameter] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
            binds.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) { sql += literal }

        /// A value: becomes `$n`.
        public mutating func appendInterpolation(_ value: some PGEncodable) {
            binds.append(value.pgParameter)
            sql += "$\(binds.count)"
        }

        /// An optional value: `$n`, bound as SQL NULL when nil.
        public mutating func appendInterpolation<T: PGEncodable>(_ value: T?) {
            binds.append(value?.pgParameter ?? .null)
            sql += "$\(binds.count)"
        }

        /// A quoted identifier (`"name"`, with embedded quotes doubled).
        public mutating func appendInterpolation(identifier: String) {
            sql += PGQuery.quoteIdentifier(identifier)
        }

        /// Trusted SQL text, spliced as is. Never pass a value here.
        public mutating func appendInterpolation(unescaped: String) { sql += unescaped }
    }

    /// Quotes an identifier the way `quote_ident` does, always.
    public static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
