import Foundation
import LiqmapCore
import LiqmapExchanges
import Testing

@Suite("Parsing: JSON, recording lines, hostile input")
struct ParsingRobustnessTests {
    @Test("JSON: escapes, unicode, numbers kept as text")
    func json() throws {
        let v = try JSON.parse(#"{"a":"x\"y\\z\u00e9\ud83d\ude00","n":-1.5e3,"b":[true,false,null],"o":{}}"#)
        #expect(v["a"]?.string == "x\"y\\zé😀")
        #expect(v["n"] == .number("-1.5e3") && v["n"]?.double == -1500)
        #expect(v["b"]?.array == [.bool(true), .bool(false), .null])
        #expect(v["o"] == .object([]))
        #expect(JSON.string("0.014").double == 0.014 && JSON.string("").double == nil)
    }

    @Test("JSON: invalid documents are refused", arguments: [
        "", "{", "[1,]", "{\"a\" 1}", "01x", "\"unterminated", "{\"a\":1} trailing", "nul", "[\"\\ud800\"]", "-", "1.", "\"\u{01}\"",
        String(repeating: "[", count: 100) + String(repeating: "]", count: 100),
    ])
    func invalidJSON(_ text: String) {
        #expect(throws: JSONError.self) { try JSON.parse(text) }
    }

    @Test("invalid UTF-8 inside a string is refused")
    func invalidUTF8() {
        #expect(throws: JSONError.self) { try JSON.parse(bytes: Array("{\"a\":\"".utf8) + [0xff, 0xfe] + Array("\"}".utf8)) }
    }

    @Test("recording lines: contract format, raw frames, cryptofeed lines")
    func recordingLines() {
        #expect(RecordingLine.split("1700000000123\t{\"a\":1}") == .frame(recvTs: 1_700_000_000_123, text: "{\"a\":1}"))
        #expect(RecordingLine.split("{\"a\":1}") == .frame(recvTs: nil, text: "{\"a\":1}"))
        #expect(RecordingLine.split("1626992742.334986: {\"a\":1}") == .frame(recvTs: 1_626_992_742_334, text: "{\"a\":1}"))
        #expect(RecordingLine.split("https://x/y -> 1626916402.988238: {\"b\":2}") == .frame(recvTs: 1_626_916_402_988, text: "{\"b\":2}"))
        #expect(RecordingLine.split("wss://x/ws <-> 1626993367.388005") == .skip)
        #expect(RecordingLine.split("wss://x/ws <- 1626993367.3: {\"op\":\"subscribe\"}") == .skip)
        #expect(RecordingLine.split("   ") == .skip)
        #expect(RecordingLine.split("pong") == .frame(recvTs: nil, text: "pong"))
    }

    /// Every real frame, cut at every 7th byte and with garbage spliced in, on every feed: the parser
    /// must answer (events or a malformed reason), never crash, and never emit an invalid event.
    @Test("truncated and corrupted real frames never crash a parser and never yield invalid events", arguments: Feed.allCases)
    func hostile(_ feed: Feed) throws {
        let dir = Repository.url("Tests/Fixtures/wire-formats")
        var frames: [String] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            frames += try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8).split(separator: "\n").map(String.init)
        }
        var session = ParseSession(feed: feed, instruments: InstrumentRegistry())
        var attempts = 0
        for frame in frames {
            let bytes = Array(frame.utf8)
            for cut in stride(from: 0, to: bytes.count, by: 7) {
                for variant in [Array(bytes[..<cut]), Array(bytes[..<cut]) + [0xff] + Array(bytes[cut...]),
                                Array(bytes[..<cut]) + Array("NaN".utf8) + Array(bytes[cut...])] {
                    attempts += 1
                    if case .events(let events) = session.frame(String(decoding: variant, as: UTF8.self), recvTs: 1) {
                        #expect(events.allSatisfy { $0.invalidReason == nil })
                    }
                }
            }
        }
        #expect(session.frames == attempts && session.malformed > 0)
    }

    @Test("negative, zero and NaN sizes make the frame malformed")
    func badNumbers() throws {
        let frame = try VenueRuleTests.frame("binance-usdm", containing: #""ap":"9910""#)
        for bad in [#""z":"-0.014""#, #""z":"0""#, #""z":"NaN""#, #""z":"abc""#] {
            var session = ParseSession(feed: .binanceUSDM, instruments: InstrumentRegistry())
            guard case .malformed = session.frame(frame.replacingOccurrences(of: #""z":"0.014""#, with: bad), recvTs: nil) else {
                Issue.record("\(bad) was accepted"); continue
            }
            #expect(session.malformed == 1)
        }
    }

    @Test("instrument bodies of every venue load; a legacy Bybit body is refused with a reason")
    func instrumentBodies() throws {
        let fixtures = Repository.url("Tests/Fixtures")
        let files = ["binance_usdm/cryptofeed_REST_fapi_v1_exchangeInfo_2021-07-22.txt": 50,
                     "binance_coinm/cryptofeed_REST_dapi_v1_exchangeInfo_2021-07-21.txt": 30,
                     "okx/cryptofeed_REST_public_instruments_SWAP_FUTURES_2022-05-13.txt": 100,
                     "deribit/cryptofeed_REST_get_instruments_BTC_2021-07-22.txt": 5,
                     "bitmex/cryptofeed_REST_instrument_active_2021-07-22.txt": 3]
        for (file, atLeast) in files {
            var registry = InstrumentRegistry()
            let (_, errors) = registry.load(file: try String(contentsOf: fixtures.appendingPathComponent(file), encoding: .utf8))
            #expect(errors.isEmpty, "\(file): \(errors)")
            #expect(registry.loadedCount >= atLeast, "\(file): \(registry.loadedCount)")
        }
        var registry = InstrumentRegistry()
        let legacy = try String(contentsOf: fixtures.appendingPathComponent("bybit/cryptofeed_REST_v2_public_symbols_legacy_2021-04-17.txt"), encoding: .utf8)
        guard case .frame(_, let body) = RecordingLine.split(legacy[...]) else { Issue.record("no body"); return }
        #expect(throws: MalformedFrame.self) { try registry.load(body: String(body)) }
    }

    @Test("expiry dates")
    func expiries() throws {
        var registry = InstrumentRegistry()
        try registry.load(body: try String(contentsOf: Repository.url("Tests/Fixtures/binance_coinm/cryptofeed_REST_dapi_v1_exchangeInfo_2021-07-21.txt"),
                                            encoding: .utf8).split(separator: " ", maxSplits: 3).last.map(String.init) ?? "")
        #expect(registry.resolve("BTCUSD_210924", feed: .binanceCOINM)?.canonicalID == "BTC-USD-20210924")
        #expect(registry.resolve("BTCUSD_PERP", feed: .binanceCOINM)?.contractSize == 100)
        #expect(registry.resolve("BTCUSDM22", feed: .bybitInverse)?.canonicalID == "BTC-USD-20220624", "last Friday of June 2022")
        #expect(registry.resolve("BTC-26MAR21", feed: .deribit)?.canonicalID == "BTC-USD-20210326")
        #expect(registry.resolve("ETH-25DEC26", feed: .bybitLinear)?.canonicalID == "ETH-USDC-20261225")
    }
}
