import LiqmapCore

/// A parser's view of the instrument registry with a memo of the symbols it has resolved: the hot
/// path resolves the same few symbols millions of times, and the built-in rules parse the symbol on
/// every call. Replaced whole when the registry is refreshed.
struct InstrumentLookup: Sendable {
    let registry: InstrumentRegistry
    let feed: Feed
    private var memo: [String: Instrument] = [:]
    private var lastSymbol = ""
    private var lastInstrument: Instrument?
    /// The last few symbols resolved, as bytes, most recent first: a feed interleaves a handful of
    /// symbols, and matching bytes here skips building and hashing a String.
    private var recent: [Recent] = []

    /// A recently resolved symbol (a class, so scanning the list copies nothing).
    final class Recent: Sendable {
        let utf8: [UInt8]
        let symbol: String
        let instrument: Instrument
        init(symbol: String, instrument: Instrument) {
            self.utf8 = Array(symbol.utf8)
            self.symbol = symbol
            self.instrument = instrument
        }
    }

    init(registry: InstrumentRegistry, feed: Feed) {
        self.registry = registry
        self.feed = feed
    }

    /// The instrument for a venue symbol, nil when neither the registry nor the rules know it.
    mutating func resolve(_ symbol: String) -> Instrument? {
        if let lastInstrument, symbol == lastSymbol { return lastInstrument }
        let found: Instrument
        if let hit = memo[symbol] {
            found = hit
        } else {
            guard let resolved = registry.resolve(symbol, feed: feed) else { return nil }
            if memo.count < 100_000 { memo[symbol] = resolved }
            found = resolved
        }
        lastSymbol = symbol
        lastInstrument = found
        if !recent.contains(where: { $0.symbol == symbol }) {
            if recent.count == 8 { recent.removeLast() }
            recent.insert(Recent(symbol: symbol, instrument: found), at: 0)
        }
        return found
    }

    /// A recently resolved instrument whose symbol is the text of `node`, compared as bytes.
    func recentMatch(_ node: JSONNode) -> (symbol: String, instrument: Instrument)? {
        guard let raw = node.rawText else { return nil }
        for entry in recent where entry.utf8.count == raw.count && entry.utf8.withUnsafeBufferPointer({ raw.elementsEqual($0) }) {
            return (entry.symbol, entry.instrument)
        }
        return nil
    }

    /// The instrument named by member `key` of `json` (a string or number), compared as bytes with
    /// the last one resolved before any String is built; throws when the member is missing or empty,
    /// nil when the symbol is unknown.
    mutating func resolve(_ json: JSONNode, _ key: StaticString) throws(MalformedFrame) -> (symbol: String, instrument: Instrument?) {
        guard let node = json[key] else { throw MalformedFrame("missing '\(key)'") }
        if let hit = recentMatch(node) { return hit }
        guard let symbol = node.text, !symbol.isEmpty else { throw MalformedFrame("missing '\(key)'") }
        return (symbol, resolve(symbol))
    }

    /// The instrument for `symbol`, or a malformed-frame error naming it.
    mutating func require(_ symbol: String) throws(MalformedFrame) -> Instrument {
        guard let inst = resolve(symbol) else { throw MalformedFrame("unknown instrument \(symbol)") }
        return inst
    }

    /// The instrument named by member `key` of `json`, or a malformed-frame error.
    mutating func require(_ json: JSONNode, _ key: StaticString) throws(MalformedFrame) -> Instrument {
        let (symbol, inst) = try resolve(json, key)
        guard let inst else { throw MalformedFrame("unknown instrument \(symbol)") }
        return inst
    }
}
