import LiqmapCore

/// Whether the venues agree that a liquidation cluster sits in a price band (docs/CONSENSUS.md).
///
/// Per venue v and band b: the share `s_v(b)` of the venue's own total in view, and the peak
/// strength `p_v(b) = clamp((s_v(b) − median_v) / (max_v − median_v), 0, 1)`, where median and max
/// are over the venue's bands in view (a venue whose bands are all equal has no peak: p = 0). A
/// venue's size does not enter `p`, only its shape; size enters as the weight `w_v` (its open
/// interest in USD, equal weights when unknown).
///
/// `mean(b) = Σ w_v p_v(b) / Σ w_v` is how strongly the venues, weighted, show a peak. The score is
/// the lowest such weighted mean with each venue left out in turn, so a cluster that only one venue
/// shows scores near 0 however large that venue is, while a cluster the big venues all show stays
/// high when a small venue misses it. With a single venue in view the score is its `p` (there is
/// nothing to agree with) and the band is labelled `single_venue` when hot.
public enum ConsensusScore {
    /// A venue counts as showing a cluster in a band when its peak strength is at least this.
    public static let hotStrength = 0.5

    /// Scores for dense per-venue densities (USD per band, every array the same length).
    public static func bands(_ densities: [Venue: [Double]], weights: [Venue: Double] = [:]) -> [BandConsensus] {
        let count = densities.values.first?.count ?? 0
        precondition(densities.values.allSatisfy { $0.count == count }, "densities must cover the same bands")
        let venues = densities.keys.filter { densities[$0]!.contains { $0 > 0 } }.sorted { $0.rawValue < $1.rawValue }
        let strengths = Dictionary(uniqueKeysWithValues: venues.map { ($0, peakStrengths(densities[$0]!)) })
        // Open-interest weights when every venue in view has one; equal weights otherwise.
        let known = venues.allSatisfy { (weights[$0] ?? 0) > 0 && weights[$0]!.isFinite }
        let w = Dictionary(uniqueKeysWithValues: venues.map { ($0, known ? weights[$0]! : 1.0) })
        return (0..<count).map { band in
            let p = venues.map { strengths[$0]![band] }
            let hot = zip(venues, p).filter { $0.1 >= hotStrength }.map(\.0)
            let score: Double
            if venues.count <= 1 {
                score = p.first ?? 0
            } else {
                var lowest = 1.0
                for left in venues.indices {
                    var num = 0.0, den = 0.0
                    for i in venues.indices where i != left {
                        num += w[venues[i]]! * p[i]
                        den += w[venues[i]]!
                    }
                    lowest = min(lowest, den > 0 ? num / den : 0)
                }
                score = lowest
            }
            let label: BandConsensus.Label = hot.isEmpty ? .none : (hot.count == 1 ? .singleVenue : .multiVenue)
            return BandConsensus(score: score, label: label, hotVenues: hot,
                                 strength: Dictionary(uniqueKeysWithValues: zip(venues, p).map { ($0, $1) }))
        }
    }

    /// `p(b)` of one venue: its band share above its median band, relative to its highest band.
    public static func peakStrengths(_ density: [Double]) -> [Double] {
        let values = density.map { $0.isFinite ? max($0, 0) : 0 }
        let total = values.reduce(0, +)
        guard total > 0 else { return values.map { _ in 0 } }
        let sorted = values.sorted()
        let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        let top = sorted.last!
        guard top > median else { return values.map { _ in 0 } }
        return values.map { min(1, max(0, ($0 - median) / (top - median))) }
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

/// The consensus of one price band: the score in [0, 1], how many venues show a cluster there, and
/// each venue's peak strength.
public struct BandConsensus: Sendable, Hashable {
    /// `multi_venue`: two or more venues hot; `single_venue`: exactly one; `none`: no venue hot.
    public enum Label: String, Sendable, Hashable {
        case multiVenue = "multi_venue", singleVenue = "single_venue", none
    }

    public var score: Double
    public var label: Label
    public var hotVenues: [Venue]
    public var strength: [Venue: Double]
}
