/// When `liqmap status` calls something unhealthy (flags of the same names override them).
public struct StatusThresholds: Sendable, Equatable {
    /// A beat older than this means the process is dead.
    public var beatStaleSeconds = 10.0
    /// Dead instances older than this are no longer reported (and are pruned from the registry).
    public var forgetAfterSeconds = 900.0
    /// A connected collector with no frame for this long is stalled.
    public var stallSeconds = 120.0
    /// A collector not fully connected for this long fails (before that it is a warning).
    public var disconnectedSeconds = 30.0
    /// A shard whose group is this many entries behind is lagging.
    public var maxLagEntries: Int64 = 1_000
    /// A shard with unread entries and no commit for this long is stuck.
    public var commitStaleSeconds = 30.0
    /// A takeover this recent is reported.
    public var recentTakeoverSeconds = 300.0
    /// Malformed frames per minute above which a collector gets a warning.
    public var malformedPerMinute = 10
    /// A live collector whose clock is off the venue's trade times by more than this gets a warning.
    public var clockOffsetSeconds = 5.0

    public init() {}
}
