/// One stream entry: its id and its fields in order. `fields` is nil for an entry that is still in a
/// consumer's pending list but was deleted from the stream (XREADGROUP with an explicit id shows it so).
public struct StreamEntry: Sendable, Hashable {
    public struct Field: Sendable, Hashable {
        public let name: String
        public let value: [UInt8]
        public init(name: String, value: [UInt8]) {
            self.name = name
            self.value = value
        }
    }

    public let id: String
    public let fields: [Field]?

    public init(id: String, fields: [Field]?) {
        self.id = id
        self.fields = fields
    }

    /// The value of the first field called `name`.
    public subscript(name: String) -> [UInt8]? { fields?.first { $0.name == name }?.value }

    /// The fields as `(name, value)` pairs (empty for a deleted entry).
    public var pairs: [(name: String, value: [UInt8])] { (fields ?? []).map { ($0.name, $0.value) } }
}

/// How `XADD` trims the stream: exact or approximate (`~`, cheaper) by length or by minimum id.
public enum StreamTrim: Sendable, Hashable {
    case maxLength(Int, approximate: Bool = true)
    case minID(String, approximate: Bool = true)

    var arguments: [RedisArgument] {
        switch self {
        case .maxLength(let n, let approx): ["MAXLEN", approx ? "~" : "=", RedisArgument(n)]
        case .minID(let id, let approx): ["MINID", approx ? "~" : "=", RedisArgument(id)]
        }
    }
}

/// The reply of `XAUTOCLAIM` (Redis 7): where to continue, the claimed entries, and the ids that were
/// pending but no longer exist in the stream (trimmed or deleted): data loss to alarm on.
public struct AutoClaimResult: Sendable, Hashable {
    public let nextStart: String
    public let entries: [StreamEntry]
    public let deletedIDs: [String]
}

/// `XPENDING key group` (summary form).
public struct PendingSummary: Sendable, Hashable {
    public let count: Int
    public let smallestID: String?
    public let greatestID: String?
    public let consumers: [String: Int]
}

/// One line of `XPENDING key group [IDLE ms] start end count [consumer]`.
public struct PendingEntry: Sendable, Hashable {
    public let id: String
    public let consumer: String
    public let idleMilliseconds: Int64
    public let deliveries: Int64
}

/// `XINFO STREAM key`.
public struct StreamInfo: Sendable, Hashable {
    public let length: Int
    public let lastGeneratedID: String
    /// Entries ever added (Redis 7+); it going backwards means the stream was lost and re-created.
    public let entriesAdded: Int64?
    public let maxDeletedEntryID: String?
    public let groups: Int
    public let firstEntryID: String?
    public let lastEntryID: String?
}

/// One element of `XINFO GROUPS key`.
public struct StreamGroupInfo: Sendable, Hashable {
    public let name: String
    public let consumers: Int
    public let pending: Int
    public let lastDeliveredID: String
    /// Entries read by the group and how many it still has to read (Redis 7+; nil when unknown).
    public let entriesRead: Int64?
    public let lag: Int64?
}
