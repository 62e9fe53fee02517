import Foundation
import LiqmapAggregator

/// The text `liqmap partitions` prints (pure): each table's partitions, then the plan or what was done.
enum PartitionsText {
    static func listing(_ catalog: [PartitionedTable: PartitionCatalog.Table], policy: PartitionPolicy) -> String {
        var out = ""
        for table in catalog.keys.sorted() {
            let t = catalog[table]!
            out += "\(table.parent): RANGE (\(table.keyColumn)) by UTC month, \(window(table, policy))\n"
            let width = t.partitions.map(\.name.count).max() ?? 0
            for p in t.partitions {
                let name = p.name.padding(toLength: width, withPad: " ", startingAt: 0)
                if p.bound == "DEFAULT" {
                    out += "  \(name)  DEFAULT  \(t.defaultRows) rows\n"
                } else {
                    let note = p.month.map { t.observation.mismatched.contains($0) ? "  (bounds differ from the monthly rule: left alone)" : "" }
                        ?? "  (not a monthly name: left alone)"
                    let rows = p.estimatedRows < 0 ? "rows not counted yet (never analyzed)" : "~\(p.estimatedRows) rows"
                    out += "  \(name)  \(p.bound)  \(rows)\(note)\n"
                }
            }
        }
        return out
    }

    static func plan(_ plan: PartitionPlan, now: Int64, applying: Bool) -> String {
        let at = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(now) / 1000))
        guard !plan.actions.isEmpty else { return "maintenance at \(at): nothing to do\n" }
        return "maintenance at \(at)\(applying ? "" : " (run with --apply to carry it out)"):\n"
            + plan.actions.map { "  \($0)\n" }.joined()
    }

    static func outcome(_ outcome: PartitionMaintainer.Outcome) -> String {
        if outcome.busy { return "another process holds the maintenance lock (an aggregator owning shard 0?): nothing done\n" }
        return outcome.done.map { "done: \($0)\n" }.joined() + outcome.failed.map { "FAILED: \($0.action): \($0.error)\n" }.joined()
    }

    static func window(_ table: PartitionedTable, _ policy: PartitionPolicy) -> String {
        let keep: Int64? = switch table {
        case .realizedLiquidations: policy.realizedKeepMs
        case .tiles(let r): policy.tiles.keep[r]
        }
        guard let keep else { return "kept for ever" }
        return "months wholly older than \(keep / RetentionPolicy.day) days dropped"
    }
}
