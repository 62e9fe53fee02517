/// How grid cells map to plot pixels along one axis.
enum CellSpans {
    /// For each of `pixels` pixels, the first and last of `cells` cells it shows: the cell under the
    /// pixel's centre when cells are at least a pixel wide (blocks), otherwise every cell the pixel
    /// covers, so that taking their maximum never skips one.
    static func spans(cells: Int, pixels: Int) -> (first: [Int], last: [Int]) {
        guard cells > 0, pixels > 0 else { return ([], []) }
        var first = [Int](repeating: 0, count: pixels)
        var last = [Int](repeating: 0, count: pixels)
        for p in 0..<pixels {
            if cells <= pixels {
                let c = min(cells - 1, ((2 * p + 1) * cells) / (2 * pixels))
                first[p] = c
                last[p] = c
            } else {
                first[p] = p * cells / pixels
                last[p] = min(cells - 1, ((p + 1) * cells - 1) / pixels)
            }
        }
        return (first, last)
    }
}
