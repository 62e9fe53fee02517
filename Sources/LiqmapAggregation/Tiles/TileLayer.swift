/// What a tile holds: realized liquidations (additive) or the projected book (a snapshot per column).
public enum TileLayer: String, Sendable, Hashable, Codable, CaseIterable {
    case realized, projected

    /// A one-byte code for the binary tile header (stable).
    public var code: UInt8 {
        switch self {
        case .realized: 1
        case .projected: 2
        }
    }

    /// The layer with this header code, if any.
    public init?(code: UInt8) {
        switch code {
        case 1: self = .realized
        case 2: self = .projected
        default: return nil
        }
    }
}
