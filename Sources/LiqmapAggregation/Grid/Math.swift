#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The C library's natural logarithm and exponential, the only transcendental functions the core needs.
@inline(__always) public func naturalLog(_ x: Double) -> Double { log(x) }
@inline(__always) public func naturalExp(_ x: Double) -> Double { exp(x) }
