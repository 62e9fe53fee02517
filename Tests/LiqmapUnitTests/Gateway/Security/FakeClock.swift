import Synchronization

/// A clock tests move by hand: monotonic nanoseconds.
final class FakeClock: Sendable {
    private let value = Mutex<UInt64>(1_000_000_000)

    var now: UInt64 { value.withLock { $0 } }

    func advance(seconds: Double) { value.withLock { $0 += UInt64(seconds * 1e9) } }

    /// The clock as the closure the limiter and the cache take.
    var closure: @Sendable () -> UInt64 { { self.now } }
}
