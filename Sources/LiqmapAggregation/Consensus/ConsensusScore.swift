import LiqmapCore

/// Whether venues agree on a cluster, per price band (docs/MODEL.md): the weighted share of venues
/// for which the band is "hot", i.e. its USD is strictly above the venue's own `quantile` (median by
/// default) over all bands in view (zeros included). A venue's scale does not matter (each is compared
/// with itself), so a small venue counts as much as a large one unless weights say otherwise.
/// Scores lie in [0, 1]: 1 = every venue with data has a cluster there, 0 = none. Venues with no USD
/// in view take no part; with one venue the score only says whether that venue is hot.
public enum ConsensusScore {
    /// Scores for every row present in any venue's density (USD per row at one price level).
    public static func scores(
        _ densities: [Venue: [Int32: Double]], weights: [Venue: Double] = [:], quantile: Double = 0.5
    ) -> [Int32: Double] {
        precondition((0...1).contains(quantile), "quantile must be in [0, 1]")
        let rows = Set(densities.values.flatMap { $0.filter { $0.value > 0 }.keys }).sorted()
        let venues = densities.keys.filter { venue in densities[venue]!.values.contains { $0 > 0 } }.sorted { $0.rawValue < $1.rawValue }
        var out = Dictionary(uniqueKeysWithValues: rows.map { ($0, 0.0) })
        let totalWeight = venues.reduce(0) { $0 + (weights[$1] ?? 1) }
        guard totalWeight > 0, !rows.isEmpty else { return out }
        for venue in venues {
            let density = densities[venue]!
            let values = rows.map { max(density[$0] ?? 0, 0) }
            let threshold = values.sorted()[Int((quantile * Double(values.count - 1)).rounded(.down))]
            let weight = (weights[venue] ?? 1) / totalWeight
            for (row, value) in zip(rows, values) where value > threshold { out[row]! += weight }
        }
        return out
    }

    /// Mean cosine similarity of every pair of venues' densities (1 = same shape, 0 = disjoint), or
    /// nil with fewer than two venues with data: one number for "do the venues' maps look alike".
    public static func meanPairwiseCosine(_ densities: [Venue: [Int32: Double]]) -> Double? {
        let venues = densities.keys.filter { densities[$0]!.values.contains { $0 > 0 } }.sorted { $0.rawValue < $1.rawValue }
        guard venues.count >= 2 else { return nil }
        var sum = 0.0, pairs = 0
        for i in venues.indices {
            for j in venues.indices where j > i {
                let a = densities[venues[i]]!, b = densities[venues[j]]!
                var dot = 0.0
                for row in a.keys.sorted() { dot += a[row]! * (b[row] ?? 0) }
                let na = a.values.sorted().reduce(0.0) { $0 + $1 * $1 }.squareRoot()
                let nb = b.values.sorted().reduce(0.0) { $0 + $1 * $1 }.squareRoot()
                sum += dot / (na * nb)
                pairs += 1
            }
        }
        return sum / Double(pairs)
    }
}
