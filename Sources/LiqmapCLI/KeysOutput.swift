import LiqmapGateway

/// What `liqmap keys` prints (pure). No function here takes a key except ``created``.
enum KeysOutput {
    /// The answer of `create`: the id and the key, each on a line of its own, then a reminder.
    static func created(id: Int64, token: ApiKeyToken, name: String, limit: RateLimit) -> String {
        """
        id: \(id)
        key: \(token.text)
        Keep the key now: only its SHA-256 is stored, it cannot be shown again. \
        Name \(JSONText.string(name)), prefix \(token.prefix), \(rate(limit.rate))/s, burst \(limit.burst). \
        Send it as X-API-Key: KEY or Authorization: Bearer KEY.
        """
    }

    /// A table with a header row, columns padded to their widths.
    static func table(_ records: [ApiKeyStore.Record]) -> String {
        let header = ["ID", "NAME", "PREFIX", "RATE/S", "BURST", "CREATED", "REVOKED"]
        let rows = records.map { r in
            ["\(r.id)", r.name, r.prefix, rate(r.limit.rate), "\(r.limit.burst)", r.createdAt, r.revokedAt ?? "-"]
        }
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        let lines = all.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: "  ")
        }
        return records.isEmpty ? lines[0] + "\n(no API keys)" : lines.joined(separator: "\n")
    }

    /// A JSON array of `{"id","name","prefix","rate_per_second","burst","created_at","revoked_at"}`.
    static func json(_ records: [ApiKeyStore.Record]) -> String {
        "[" + records.map { r in
            "{\"id\":\(r.id),\"name\":\(JSONText.string(r.name)),\"prefix\":\(JSONText.string(r.prefix)),"
                + "\"rate_per_second\":\(rate(r.limit.rate)),\"burst\":\(r.limit.burst),"
                + "\"created_at\":\(JSONText.string(r.createdAt)),\"revoked_at\":\(r.revokedAt.map(JSONText.string) ?? "null")}"
        }.joined(separator: ",") + "]"
    }

    /// A rate without a needless `.0`: `20`, `0.5`.
    static func rate(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }
}
