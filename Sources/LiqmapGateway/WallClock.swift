import Foundation

/// The gateway's wall clock in Unix milliseconds.
public enum WallClock {
    public static func nowMs() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}
