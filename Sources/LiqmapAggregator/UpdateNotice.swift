import Foundation
import LiqmapAggregation

extension UpdateNotice {
    /// The notice of a commit: assets with new realized liquidations, and assets whose projected
    /// columns or market columns were written.
    init(shard: Int, work: CommitWork, realizedChanged: Bool) {
        let realized = realizedChanged ? Set(work.plan.liquidations.map(\.asset)) : []
        let projected = Set(work.projectedColumns.map(\.key.asset)).union(work.marketColumns.map { InstrumentName.asset(of: $0.instrument) })
        self.init(shard: shard, realized: Array(realized), projected: Array(projected),
                  committedMs: Int64((Date().timeIntervalSince1970 * 1000).rounded()))
    }
}
