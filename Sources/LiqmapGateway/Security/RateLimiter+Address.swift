import NIOCore

extension RateLimiter.Client {
    /// The bucket of a peer address: IPv4 by address, IPv6 by its /64 (an IPv4-mapped IPv6 address,
    /// as a dual-stack socket reports IPv4 peers, counts as that IPv4 address), else `.unknown`.
    public init(address: SocketAddress?) {
        // The address bytes out of the sockaddr, by their fixed offsets: sockaddr_in's at 4,
        // sockaddr_in6's at 8 (the same on Linux and the BSDs).
        switch address {
        case .v4(let v4):
            let raw = SocketAddress.v4(v4).withSockAddr { pointer, _ in
                UnsafeRawPointer(pointer).loadUnaligned(fromByteOffset: 4, as: UInt32.self)
            }
            self = .ipv4(UInt32(bigEndian: raw))
        case .v6(let v6):
            let (high, low) = SocketAddress.v6(v6).withSockAddr { pointer, _ in
                (UInt64(bigEndian: UnsafeRawPointer(pointer).loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
                 UInt64(bigEndian: UnsafeRawPointer(pointer).loadUnaligned(fromByteOffset: 16, as: UInt64.self)))
            }
            if high == 0, low >> 32 == 0xFFFF {
                self = .ipv4(UInt32(truncatingIfNeeded: low))
            } else {
                self = .ipv6(high)
            }
        default:
            self = .unknown
        }
    }
}
