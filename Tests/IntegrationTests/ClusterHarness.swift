import LiqmapChaos

/// The process tests' cluster is the reliability suite's (`LiqmapChaos.ChaosCluster`).
typealias ClusterHarness = ChaosCluster
/// Realized totals per venue and side.
typealias Totals = RealizedTotals
