/// Redis stream commands with typed replies.
extension RedisClient {
    /// `XADD key [trim] id field value …`; returns the new entry's id.
    @discardableResult
    public func xadd(_ key: String, id: String = "*", fields: [(name: String, value: [UInt8])], trim: StreamTrim? = nil)
        throws(RedisError) -> String
    {
        let reply = try send(Self.xaddArguments(key, id: id, fields: fields, trim: trim))
        guard let id = reply.string else { throw RedisError(.unexpectedReply, "XADD: \(reply)") }
        return id
    }

    /// Many `XADD`s in one round trip; returns the ids in order, or throws the first error reply.
    public func xaddPipelined(_ key: String, entries: [[(name: String, value: [UInt8])]], trim: StreamTrim? = nil)
        throws(RedisError) -> [String]
    {
        let trimArguments = trim?.arguments ?? []
        // Reserve the exact size up front: growing a multi-megabyte buffer by doubling costs page faults.
        var capacity = 0
        for fields in entries {
            capacity += 64 + key.utf8.count
            for field in fields { capacity += 28 + field.name.utf8.count + field.value.count }
        }
        var writer = RESPWriter(reservingCapacity: capacity)
        for fields in entries {
            writer.begin(arguments: 3 + trimArguments.count + 2 * fields.count)
            writer.argument("XADD")
            writer.argument(key)
            for t in trimArguments { writer.argument(t) }
            writer.argument("*")
            for field in fields {
                writer.argument(field.name)
                writer.argument(field.value)
            }
        }
        let replies = try pipeline(writer)
        var ids: [String] = []
        ids.reserveCapacity(replies.count)
        for reply in replies {
            if case .error(let message) = reply { throw RedisError(.server, message) }
            guard let id = reply.string else { throw RedisError(.unexpectedReply, "XADD: \(reply)") }
            ids.append(id)
        }
        return ids
    }

    /// The arguments of one `XADD`, for callers that build their own pipelines.
    public nonisolated static func xaddArguments(_ key: String, id: String, fields: [(name: String, value: [UInt8])],
                                                 trim: StreamTrim?) -> [RedisArgument]
    {
        var args: [RedisArgument] = ["XADD", RedisArgument(key)]
        if let trim { args += trim.arguments }
        args.append(RedisArgument(id))
        for field in fields {
            args.append(RedisArgument(field.name))
            args.append(RedisArgument(bytes: field.value))
        }
        return args
    }

    /// `XGROUP CREATE key group id MKSTREAM`; returns false when the group already exists (BUSYGROUP).
    @discardableResult
    public func xgroupCreate(_ key: String, group: String, startID: String = "0", makeStream: Bool = true) throws(RedisError) -> Bool {
        var args: [RedisArgument] = ["XGROUP", "CREATE", RedisArgument(key), RedisArgument(group), RedisArgument(startID)]
        if makeStream { args.append("MKSTREAM") }
        do {
            try send(args)
            return true
        } catch where error.serverCode == "BUSYGROUP" {
            return false
        }
    }

    /// `XREADGROUP GROUP g c COUNT n [BLOCK ms] STREAMS key id`. With `id` `>` it reads new entries;
    /// with an explicit id it re-reads this consumer's pending entries. Returns [] on a BLOCK timeout.
    public func xreadgroup(_ key: String, group: String, consumer: String, id: String = ">", count: Int,
                           blockMilliseconds: Int? = nil) throws(RedisError) -> [StreamEntry]
    {
        var args: [RedisArgument] = ["XREADGROUP", "GROUP", RedisArgument(group), RedisArgument(consumer), "COUNT", RedisArgument(count)]
        if let blockMilliseconds { args += ["BLOCK", RedisArgument(blockMilliseconds)] }
        args += ["STREAMS", RedisArgument(key), RedisArgument(id)]
        let reply = if let blockMilliseconds {
            try send(args, blockingFor: Double(blockMilliseconds) / 1000)
        } else {
            try send(args)
        }
        if reply.isNull { return [] }
        guard let streams = reply.array else { throw RedisError(.unexpectedReply, "XREADGROUP: \(reply)") }
        var entries: [StreamEntry] = []
        for stream in streams {
            guard let pair = stream.array, pair.count == 2, let items = pair[1].array else {
                throw RedisError(.unexpectedReply, "XREADGROUP stream: \(stream)")
            }
            for item in items { entries.append(try Self.entry(item)) }
        }
        return entries
    }

    /// `XACK key group id…`; returns how many were acknowledged.
    @discardableResult
    public func xack(_ key: String, group: String, ids: [String]) throws(RedisError) -> Int {
        if ids.isEmpty { return 0 }
        let reply = try send(["XACK", RedisArgument(key), RedisArgument(group)] + ids.map { RedisArgument($0) })
        guard let n = reply.int else { throw RedisError(.unexpectedReply, "XACK: \(reply)") }
        return Int(n)
    }

    /// `XAUTOCLAIM key group consumer min-idle start COUNT n`, with its third reply element (the pending
    /// ids whose entries no longer exist) kept, never dropped.
    public func xautoclaim(_ key: String, group: String, consumer: String, minIdleMilliseconds: Int, start: String = "0-0",
                           count: Int = 100) throws(RedisError) -> AutoClaimResult
    {
        let reply = try send(["XAUTOCLAIM", RedisArgument(key), RedisArgument(group), RedisArgument(consumer),
                              RedisArgument(minIdleMilliseconds), RedisArgument(start), "COUNT", RedisArgument(count)])
        guard let parts = reply.array, parts.count >= 2, let next = parts[0].string, let items = parts[1].array else {
            throw RedisError(.unexpectedReply, "XAUTOCLAIM: \(reply)")
        }
        var entries: [StreamEntry] = []
        for item in items { entries.append(try Self.entry(item)) }
        var deleted: [String] = []
        if parts.count >= 3 {
            guard let ids = parts[2].array else { throw RedisError(.unexpectedReply, "XAUTOCLAIM deleted ids: \(parts[2])") }
            for id in ids {
                guard let s = id.string else { throw RedisError(.unexpectedReply, "XAUTOCLAIM deleted id: \(id)") }
                deleted.append(s)
            }
        }
        return AutoClaimResult(nextStart: next, entries: entries, deletedIDs: deleted)
    }

    /// `XPENDING key group`: the summary.
    public func xpendingSummary(_ key: String, group: String) throws(RedisError) -> PendingSummary {
        let reply = try send(["XPENDING", RedisArgument(key), RedisArgument(group)])
        guard let parts = reply.array, parts.count == 4, let count = parts[0].int else {
            throw RedisError(.unexpectedReply, "XPENDING: \(reply)")
        }
        var consumers: [String: Int] = [:]
        for c in parts[3].array ?? [] {
            guard let pair = c.array, pair.count == 2, let name = pair[0].string, let n = pair[1].int else {
                throw RedisError(.unexpectedReply, "XPENDING consumer: \(c)")
            }
            consumers[name] = Int(n)
        }
        return PendingSummary(count: Int(count), smallestID: parts[1].string, greatestID: parts[2].string, consumers: consumers)
    }

    /// `XPENDING key group [IDLE ms] start end count [consumer]`: the pending entries in detail.
    public func xpending(_ key: String, group: String, start: String = "-", end: String = "+", count: Int,
                         minIdleMilliseconds: Int? = nil, consumer: String? = nil) throws(RedisError) -> [PendingEntry]
    {
        var args: [RedisArgument] = ["XPENDING", RedisArgument(key), RedisArgument(group)]
        if let minIdleMilliseconds { args += ["IDLE", RedisArgument(minIdleMilliseconds)] }
        args += [RedisArgument(start), RedisArgument(end), RedisArgument(count)]
        if let consumer { args.append(RedisArgument(consumer)) }
        let reply = try send(args)
        guard let items = reply.array else { throw RedisError(.unexpectedReply, "XPENDING: \(reply)") }
        return try items.map { item throws(RedisError) in
            guard let f = item.array, f.count == 4, let id = f[0].string, let consumer = f[1].string,
                  let idle = f[2].int, let deliveries = f[3].int
            else { throw RedisError(.unexpectedReply, "XPENDING entry: \(item)") }
            return PendingEntry(id: id, consumer: consumer, idleMilliseconds: idle, deliveries: deliveries)
        }
    }

    /// `XINFO STREAM key`.
    public func xinfoStream(_ key: String) throws(RedisError) -> StreamInfo {
        let reply = try send(["XINFO", "STREAM", RedisArgument(key)])
        guard let m = reply.map, let length = m["length"]?.int, let last = m["last-generated-id"]?.string else {
            throw RedisError(.unexpectedReply, "XINFO STREAM: \(reply)")
        }
        func entryID(_ r: RedisReply?) -> String? { r?.array?.first?.string }
        return StreamInfo(length: Int(length), lastGeneratedID: last, entriesAdded: m["entries-added"]?.int,
                          maxDeletedEntryID: m["max-deleted-entry-id"]?.string, groups: Int(m["groups"]?.int ?? 0),
                          firstEntryID: entryID(m["first-entry"]), lastEntryID: entryID(m["last-entry"]))
    }

    /// `XINFO GROUPS key`.
    public func xinfoGroups(_ key: String) throws(RedisError) -> [StreamGroupInfo] {
        let reply = try send(["XINFO", "GROUPS", RedisArgument(key)])
        guard let items = reply.array else { throw RedisError(.unexpectedReply, "XINFO GROUPS: \(reply)") }
        return try items.map { item throws(RedisError) in
            guard let m = item.map, let name = m["name"]?.string, let consumers = m["consumers"]?.int,
                  let pending = m["pending"]?.int, let last = m["last-delivered-id"]?.string
            else { throw RedisError(.unexpectedReply, "XINFO GROUPS entry: \(item)") }
            return StreamGroupInfo(name: name, consumers: Int(consumers), pending: Int(pending), lastDeliveredID: last,
                                   entriesRead: m["entries-read"]?.int, lag: m["lag"]?.int)
        }
    }

    /// `XRANGE key start end [COUNT n]`: entries in id order.
    public func xrange(_ key: String, start: String = "-", end: String = "+", count: Int? = nil) throws(RedisError) -> [StreamEntry] {
        var args: [RedisArgument] = ["XRANGE", RedisArgument(key), RedisArgument(start), RedisArgument(end)]
        if let count { args += ["COUNT", RedisArgument(count)] }
        let reply = try send(args)
        guard let items = reply.array else { throw RedisError(.unexpectedReply, "XRANGE: \(reply)") }
        return try items.map { item throws(RedisError) in try Self.entry(item) }
    }

    /// Reads `[id, [field, value, …]]` (or `[id, nil]` for a deleted pending entry).
    static func entry(_ reply: RedisReply) throws(RedisError) -> StreamEntry {
        guard let pair = reply.array, pair.count == 2, let id = pair[0].string else {
            throw RedisError(.unexpectedReply, "stream entry: \(reply)")
        }
        if pair[1].isNull { return StreamEntry(id: id, fields: nil) }
        guard let flat = pair[1].array, flat.count % 2 == 0 else { throw RedisError(.unexpectedReply, "stream entry fields: \(reply)") }
        var fields: [StreamEntry.Field] = []
        fields.reserveCapacity(flat.count / 2)
        var i = 0
        while i < flat.count {
            guard let name = flat[i].string, let value = flat[i + 1].bytes else {
                throw RedisError(.unexpectedReply, "stream entry field: \(flat[i])")
            }
            fields.append(StreamEntry.Field(name: name, value: value))
            i += 2
        }
        return StreamEntry(id: id, fields: fields)
    }
}
