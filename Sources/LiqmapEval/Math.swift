#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The C library's logarithm and exponential (as in LiqmapAggregation).
@inline(__always) func evalLog(_ x: Double) -> Double { log(x) }
@inline(__always) func evalExp(_ x: Double) -> Double { exp(x) }
