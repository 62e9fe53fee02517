import LiqmapAggregation

/// Fans the aggregators' change notices out to the live streams: each subscriber gets the notices
/// naming its asset (and a `nil` "resync" when the listener reconnected and notices may have been
/// missed). A slow subscriber keeps only its newest few notices (they carry no data of their own: the
/// stream re-reads the current view), so it can never hold memory hostage.
public actor LiveHub {
    public typealias Event = UpdateNotice?
    private var subscribers: [Int: (asset: String, continuation: AsyncStream<Event>.Continuation)] = [:]
    private var next = 0

    public init() {}

    /// Subscribes to `asset`; finish by calling `unsubscribe(id)`.
    public func subscribe(asset: String) -> (id: Int, events: AsyncStream<Event>) {
        let (stream, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .bufferingNewest(4))
        next += 1
        subscribers[next] = (asset, continuation)
        return (next, stream)
    }

    public func unsubscribe(_ id: Int) {
        subscribers.removeValue(forKey: id)?.continuation.finish()
    }

    /// Delivers a notice to the subscribers of the assets it names.
    public func publish(_ notice: UpdateNotice) {
        let assets = notice.assets
        for (_, s) in subscribers where assets.contains(s.asset) { s.continuation.yield(notice) }
    }

    /// Tells every subscriber to re-read (notices may have been missed).
    public func resync() {
        for (_, s) in subscribers { s.continuation.yield(nil) }
    }

    public var subscriberCount: Int { subscribers.count }

    /// Ends every stream (shutdown).
    public func finishAll() {
        for (_, s) in subscribers { s.continuation.finish() }
        subscribers = [:]
    }
}
