import ArgumentParser
import LiqmapAggregation
import LiqmapAggregator
@testable import LiqmapCLI
import Testing

@Suite("liqmap partitions and gateway --postgres-read")
struct PartitionsCommandTests {
    @Test("the new flags parse", arguments: [
        ["partitions"], ["partitions", "--apply"], ["partitions", "--realized-retention-days", "400", "--postgres", "postgresql://h/db"],
        ["gateway", "--postgres-read", "postgresql://replica/db", "--postgres", "postgresql://primary/db"],
    ])
    func parses(_ arguments: [String]) throws {
        _ = try LiqmapCommand.parseAsRoot(arguments)
    }

    @Test("a negative --realized-retention-days is refused")
    func refuses() {
        #expect(throws: (any Error).self) { _ = try LiqmapCommand.parseAsRoot(["partitions", "--realized-retention-days", "-3"]) }
    }

    @Test("the listing shows each table's partitions, bounds, rows and window; the plan its steps or that there is nothing to do")
    func text() {
        let dec = UTCMonth(year: 2026, month: 12)!, table = PartitionedTable.tiles(.m1)
        let catalog: [PartitionedTable: PartitionCatalog.Table] = [table: PartitionCatalog.Table(
            partitions: [PartitionCatalog.Entry(name: table.partitionName(dec), bound: table.boundText(dec), estimatedRows: 42, month: dec),
                         PartitionCatalog.Entry(name: table.defaultName, bound: "DEFAULT", estimatedRows: -1, month: nil)],
            defaultRows: 3, observation: PartitionObservation(months: [dec]))]
        let listing = PartitionsText.listing(catalog, policy: PartitionPolicy())
        #expect(listing.hasPrefix("tiles_1m: RANGE (tile) by UTC month, months wholly older than 7 days dropped\n"), "\(listing)")
        #expect(listing.contains("tiles_1m_202612   \(table.boundText(dec))  ~42 rows\n"), "names padded to one width")
        #expect(listing.contains("tiles_1m_default  DEFAULT  3 rows\n"))
        let plan = PartitionPlan(actions: [.create(table, dec.next), .drop(table, dec)])
        let text = PartitionsText.plan(plan, now: dec.startMs, applying: false)
        #expect(text == "maintenance at 2026-12-01T00:00:00Z (run with --apply to carry it out):\n  create tiles_1m_202701 \(table.boundText(dec.next))\n  drop tiles_1m_202612\n")
        #expect(PartitionsText.plan(PartitionPlan(actions: []), now: dec.startMs, applying: true) == "maintenance at 2026-12-01T00:00:00Z: nothing to do\n")
        #expect(PartitionsText.window(.realizedLiquidations, PartitionPolicy()) == "kept for ever")
        #expect(PartitionsText.window(.realizedLiquidations, PartitionPolicy(realizedRetentionDays: 400)) == "months wholly older than 400 days dropped")
    }
}
