import CHiredis
import Glibc

/// One hiredis connection, owned by exactly one ``RedisClient`` (not `Sendable`): every call blocks
/// the calling thread until the server answers or the socket timeout fires. Once hiredis reports an
/// I/O or protocol error the connection is marked broken and must be replaced.
final class RedisConnection {
    private var context: UnsafeMutablePointer<redisContext>
    private(set) var isBroken = false
    private var currentTimeout: Double
    let endpoint: RedisEndpoint

    /// Connects (TCP, then `AUTH` and `SELECT` as the endpoint says).
    init(endpoint: RedisEndpoint, timeout: Double) throws(RedisError) {
        self.endpoint = endpoint
        self.currentTimeout = timeout
        guard let ctx = redisConnectWithTimeout(endpoint.host, Int32(endpoint.port), Self.timeval(timeout)) else {
            throw RedisError(.connection, "cannot allocate a hiredis context")
        }
        if ctx.pointee.err != 0 {
            let message = Self.errorString(ctx)
            redisFree(ctx)
            throw RedisError(.connection, "connect to \(endpoint.host):\(endpoint.port): \(message)")
        }
        context = ctx
        redisSetTimeout(ctx, Self.timeval(timeout))
        if let password = endpoint.password {
            _ = try command(["AUTH", RedisArgument(password)])
        }
        if endpoint.database != 0 {
            _ = try command(["SELECT", RedisArgument(endpoint.database)])
        }
    }

    deinit { redisFree(context) }

    /// Sends one command and waits for its reply; an error reply is thrown as a `server` error.
    func command(_ args: [RedisArgument]) throws(RedisError) -> RedisReply {
        let reply = try raw(args)
        if case .error(let message) = reply { throw RedisError(.server, message) }
        return reply
    }

    /// Sends one command; an error reply is returned, not thrown.
    func raw(_ args: [RedisArgument]) throws(RedisError) -> RedisReply {
        try ensureUsable()
        let replyPointer = Self.withArgv(args) { argc, argv, lengths in
            redisCommandArgv(context, argc, argv, lengths)
        }
        guard let replyPointer else { throw failure("command \(Self.name(args))") }
        let reply = replyPointer.assumingMemoryBound(to: redisReply.self)
        defer { freeReplyObject(replyPointer) }
        return Self.convert(reply)
    }

    /// Pipelining: hands hiredis the whole RESP buffer at once, then reads all the replies in order
    /// (the first read writes the buffer). Error replies are returned in place.
    func pipeline(_ writer: RESPWriter) throws(RedisError) -> [RedisReply] {
        try ensureUsable()
        let status = writer.bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                redisAppendFormattedCommand(context, $0, buffer.count)
            }
        }
        guard status == REDIS_OK else { throw failure("pipeline append") }
        var replies: [RedisReply] = []
        replies.reserveCapacity(writer.commands)
        for _ in 0..<writer.commands {
            var raw: UnsafeMutableRawPointer?
            guard redisGetReply(context, &raw) == REDIS_OK, let raw else { throw failure("pipeline read") }
            replies.append(Self.convert(raw.assumingMemoryBound(to: redisReply.self)))
            freeReplyObject(raw)
        }
        return replies
    }

    /// Writes a whole RESP buffer to the socket without reading anything (a cluster client writes
    /// to every node of a round first, then reads each node's replies with ``readReplies(_:)``).
    func write(_ writer: RESPWriter) throws(RedisError) {
        try ensureUsable()
        let status = writer.bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                redisAppendFormattedCommand(context, $0, buffer.count)
            }
        }
        guard status == REDIS_OK else { throw failure("pipeline append") }
        var done: Int32 = 0
        repeat {
            guard redisBufferWrite(context, &done) == REDIS_OK else { throw failure("pipeline write") }
        } while done == 0
    }

    /// Reads `count` replies in order; error replies are returned in place.
    func readReplies(_ count: Int) throws(RedisError) -> [RedisReply] {
        try ensureUsable()
        var replies: [RedisReply] = []
        replies.reserveCapacity(count)
        for _ in 0..<count {
            var raw: UnsafeMutableRawPointer?
            guard redisGetReply(context, &raw) == REDIS_OK, let raw else { throw failure("pipeline read") }
            replies.append(Self.convert(raw.assumingMemoryBound(to: redisReply.self)))
            freeReplyObject(raw)
        }
        return replies
    }

    /// Sets the socket read/write timeout (seconds) for the calls that follow.
    func setTimeout(_ seconds: Double) {
        guard seconds != currentTimeout else { return }
        redisSetTimeout(context, Self.timeval(seconds))
        currentTimeout = seconds
    }

    private func ensureUsable() throws(RedisError) {
        if isBroken { throw RedisError(.connection, "connection to \(endpoint.host):\(endpoint.port) is broken") }
    }

    private func failure(_ what: String) -> RedisError {
        isBroken = true
        let message = context.pointee.err != 0 ? Self.errorString(context) : "no reply"
        return RedisError(.connection, "\(what) on \(endpoint.host):\(endpoint.port): \(message)")
    }

    // MARK: - C helpers

    private static func name(_ args: [RedisArgument]) -> String {
        args.first.flatMap { String(validating: $0.bytes, as: UTF8.self) } ?? "?"
    }

    private static func timeval(_ seconds: Double) -> Glibc.timeval {
        let whole = seconds.rounded(.down)
        return Glibc.timeval(tv_sec: Int(whole), tv_usec: Int((seconds - whole) * 1_000_000))
    }

    private static func errorString(_ ctx: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: ctx.pointee.errstr) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Lays the arguments out in one buffer and calls `body` with hiredis' argc/argv/argvlen.
    private static func withArgv<R>(
        _ args: [RedisArgument],
        _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> R
    ) -> R {
        var total = 0
        for a in args { total += a.bytes.count }
        var flat = [UInt8]()
        flat.reserveCapacity(total + 1)
        var lengths = [Int]()
        lengths.reserveCapacity(args.count)
        for a in args {
            flat.append(contentsOf: a.bytes)
            lengths.append(a.bytes.count)
        }
        flat.append(0)  // so an empty buffer still has a valid base address
        return flat.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            var argv = [UnsafePointer<CChar>?]()
            argv.reserveCapacity(args.count)
            var offset = 0
            for length in lengths {
                argv.append(base + offset)
                offset += length
            }
            return argv.withUnsafeMutableBufferPointer { argvBuffer in
                lengths.withUnsafeBufferPointer { lengthBuffer in
                    body(Int32(args.count), argvBuffer.baseAddress!, lengthBuffer.baseAddress!)
                }
            }
        }
    }

    /// Copies a hiredis reply tree into a ``RedisReply``.
    private static func convert(_ reply: UnsafeMutablePointer<redisReply>) -> RedisReply {
        let r = reply.pointee
        func text() -> [UInt8] {
            guard let str = r.str, r.len > 0 else { return [] }
            return Array(UnsafeRawBufferPointer(start: str, count: Int(r.len)))
        }
        switch r.type {
        case REDIS_REPLY_STRING: return .bulk(text())
        case REDIS_REPLY_STATUS: return .status(String(decoding: text(), as: UTF8.self))
        case REDIS_REPLY_ERROR: return .error(String(decoding: text(), as: UTF8.self))
        case REDIS_REPLY_INTEGER: return .integer(r.integer)
        case REDIS_REPLY_NIL: return .null
        case REDIS_REPLY_ARRAY:
            var items: [RedisReply] = []
            items.reserveCapacity(Int(r.elements))
            for i in 0..<Int(r.elements) {
                if let element = r.element[i] { items.append(convert(element)) } else { items.append(.null) }
            }
            return .array(items)
        default:
            return .error("unknown hiredis reply type \(r.type)")
        }
    }
}
