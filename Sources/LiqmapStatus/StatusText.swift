/// The operator's screen: a summary line, then one table per kind of component, then every problem.
public enum StatusText {
    public static func render(_ r: StatusReport, clock: String) -> String {
        let fails = r.problems.filter { $0.health == .fail }.count, warns = r.problems.count - fails
        var out = "liqmap status  \(clock)  "
        out += r.health == .fail ? "UNHEALTHY" : r.health == .warn ? "HEALTHY with warnings" : "HEALTHY"
        out += "  (\(fails) failure\(fails == 1 ? "" : "s"), \(warns) warning\(warns == 1 ? "" : "s"))\n"

        out += "\nCOLLECTORS (\(r.collectors.filter(\.alive).count) live of \(r.collectors.count))\n"
        out += table(["feed", "instance", "state", "conns", "events/s", "last frame", "reconnects", "malformed", "1 min", "spool", "health"],
                     r.collectors.map { c in
                         [c.feed, c.instance, c.state, "\(c.connectionsUp)/\(c.connectionsPlanned)", c.alive ? rate(c.eventsPerSecond) : "-",
                          c.lastFrameAgeSeconds.map { Fmt.seconds($0) + " ago" } ?? "never", "\(c.reconnects)", "\(c.malformed)",
                          "\(c.malformedLastMinute)", "\(c.spooledBatches)", c.health.rawValue]
                     }, right: [4, 6, 7, 8, 9])

        out += "\nSHARDS (\(r.shards.count))\n"
        out += table(["shard", "owner", "epoch", "standbys", "lag", "pending", "stream", "last commit", "taken over", "health"],
                     r.shards.map { s in
                         [String(s.shard), s.owner ?? "-", s.epoch.map(String.init) ?? "-", s.standbys.isEmpty ? "none" : s.standbys.joined(separator: ","),
                          s.lag.map(String.init) ?? "?", String(s.pending), String(s.streamLength),
                          s.lastCommitAgeSeconds.map { Fmt.seconds($0) + " ago" } ?? "-", s.tookOverSecondsAgo.map { Fmt.seconds($0) + " ago" } ?? "-",
                          s.health.rawValue]
                     }, right: [0, 2, 4, 5, 6])

        out += "\nGATEWAYS (\(r.gateways.count))\n"
        out += table(["url", "ready", "http", "ms", "health"],
                     r.gateways.map { g in
                         [g.url, g.ready ? "yes" : "no", g.httpStatus.map(String.init) ?? "-", g.milliseconds.map { Fmt.format1($0) } ?? "-", g.health.rawValue]
                     }, right: [2, 3])

        let notes = r.shards.flatMap { s in s.findings.filter { $0.health == .ok }.map { "shard \(s.shard): \($0.message)" } }
        if !r.problems.isEmpty || !notes.isEmpty {
            out += "\nFINDINGS\n"
            for p in r.problems { out += "  \(p.health == .fail ? "FAIL" : "warn")  \(p.component): \(p.message)\n" }
            for n in notes { out += "  info  \(n)\n" }
        }
        return out
    }

    static func rate(_ x: Double) -> String { x >= 100 ? String(Int(x.rounded())) : Fmt.format1(x) }

    /// Columns padded to their widest cell; `right` lists the right-aligned columns.
    static func table(_ header: [String], _ rows: [[String]], right: Set<Int>) -> String {
        guard !rows.isEmpty else { return "  (none)\n" }
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            "  " + cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return right.contains(i) ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingTrailingSpaces() + "\n"
        }
        return line(header) + rows.map(line).joined()
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
