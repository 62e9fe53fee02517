/// The fixed colours of a rendered heatmap outside the viridis cells.
enum HeatmapPalette {
    static let background = RGB(hex: 0x0B0B12)
    static let frame = RGB(hex: 0x34344A)
    static let tick = RGB(hex: 0x6A6A80)
    static let label = RGB(hex: 0xC4C4D2)
    static let title = RGB(hex: 0xF0F0F5)
    static let priceLine = RGB(hex: 0xFFFFFF)
    static let priceLineEdge = RGB(hex: 0x0B0B12)
}
