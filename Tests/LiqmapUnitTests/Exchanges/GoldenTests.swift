import Foundation
import LiqmapCore
import LiqmapExchanges
import Testing

/// Every recorded frame in Tests/Fixtures (copied from shared/fixtures, see its PROVENANCE.md) and
/// every example in wire-formats.md (Tests/Fixtures/wire-formats) goes through its feed's parser;
/// the output must equal the reviewed golden file in Tests/Golden. `LIQMAP_UPDATE_GOLDEN=1 swift test
/// --filter GoldenTests` rewrites the goldens (then review the diff before committing).
@Suite("Golden parses of every fixture")
struct GoldenTests {
    /// A fixture file, the feed that reads it and the instrument bodies it needs.
    struct Case: CustomTestStringConvertible, Sendable {
        let path: String
        let feed: Feed
        let instruments: [String]
        var testDescription: String { "\(feed.rawValue): \(path)" }
    }

    static let instrumentFiles: [Feed: [String]] = [
        .binanceUSDM: ["binance_usdm/cryptofeed_REST_fapi_v1_exchangeInfo_2021-07-22.txt"],
        .binanceCOINM: ["binance_coinm/cryptofeed_REST_dapi_v1_exchangeInfo_2021-07-21.txt"],
        .okx: ["okx/cryptofeed_REST_public_instruments_SWAP_FUTURES_2022-05-13.txt"],
        .deribit: ["deribit/cryptofeed_REST_get_instruments_BTC_2021-07-22.txt"],
        .bitmex: ["bitmex/cryptofeed_REST_instrument_active_2021-07-22.txt"],
    ]

    /// Fixture folders and the feed whose frames they hold. `binance_spot_options` is left out on
    /// purpose: spot and options frames never arrive on a futures feed, and a futures parser cannot
    /// tell a spot `BTCUSDT` trade from a perpetual one.
    static let folders: [String: Feed] = [
        "binance_usdm": .binanceUSDM, "binance_coinm": .binanceCOINM, "okx": .okx, "deribit": .deribit, "bitmex": .bitmex,
    ]

    static let cases: [Case] = {
        let fixtures = Repository.url("Tests/Fixtures")
        var out: [Case] = []
        let fm = FileManager.default
        for (folder, feed) in folders.sorted(by: { $0.key < $1.key }) {
            let files = (try? fm.contentsOfDirectory(atPath: fixtures.appendingPathComponent(folder).path)) ?? []
            for file in files.sorted() where !file.contains("_REST_") && !file.hasSuffix(".labels.txt") {
                out.append(Case(path: "\(folder)/\(file)", feed: feed, instruments: instrumentFiles[feed] ?? []))
            }
        }
        // Bybit's fixtures are pre-v5 captures: they must be refused as such, on the feed that matches their symbols.
        for file in ((try? fm.contentsOfDirectory(atPath: fixtures.appendingPathComponent("bybit").path)) ?? []).sorted()
        where !file.contains("_REST_") && !file.hasSuffix(".labels.txt") {
            out.append(Case(path: "bybit/\(file)", feed: file.contains("ws_26") ? .bybitInverse : .bybitLinear, instruments: []))
        }
        for feed in Feed.allCases {
            let name = "wire-formats/\(feed.rawValue).jsonl"
            if fm.fileExists(atPath: fixtures.appendingPathComponent(name).path) {
                out.append(Case(path: name, feed: feed, instruments: instrumentFiles[feed] ?? []))
            }
        }
        return out
    }()

    @Test("every fixture folder and every feed with wire-format examples is covered")
    func coverage() {
        #expect(Set(Self.cases.map(\.feed)) == Set(Feed.allCases))
        #expect(Self.cases.count >= 30)
    }

    @Test("parse output equals the golden file", arguments: cases)
    func golden(_ c: Case) throws {
        let fixtures = Repository.url("Tests/Fixtures")
        var registry = InstrumentRegistry()
        for file in c.instruments {
            let (_, errors) = registry.load(file: try String(contentsOf: fixtures.appendingPathComponent(file), encoding: .utf8))
            #expect(errors.isEmpty, "\(file): \(errors)")
        }
        let output = try Self.render(fixtures.appendingPathComponent(c.path), feed: c.feed, registry: registry)
        let goldenURL = Repository.url("Tests/Golden/\(c.path).golden")
        if ProcessInfo.processInfo.environment["LIQMAP_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: goldenURL.deletingLastPathComponent(), withIntermediateDirectories: true)
            try output.write(to: goldenURL, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOf: goldenURL, encoding: .utf8)
        let got = output.split(separator: "\n", omittingEmptySubsequences: false)
        let want = golden.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(got.count == want.count, "\(c.path): \(got.count) lines, golden has \(want.count)")
        for (i, (a, b)) in zip(got, want).enumerated() where a != b {
            Issue.record("\(c.path) line \(i + 1):\n got  \(a)\n want \(b)")
            break
        }
    }

    /// The parse of one file as text: events (JSON, sorted keys), malformed lines, then the summary.
    static func render(_ url: URL, feed: Feed, registry: InstrumentRegistry) throws -> String {
        let text = try String(contentsOf: url, encoding: .utf8)
        var session = ParseSession(feed: feed, instruments: registry)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var lines: [String] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            switch session.line(line) {
            case .skipped: break
            case .events(let events): for e in events { lines.append(String(decoding: try encoder.encode(e), as: UTF8.self)) }
            case .malformed(let reason): lines.append("malformed line \(n + 1): \(reason)")
            }
        }
        lines.append(session.summary)
        return lines.joined(separator: "\n") + "\n"
    }
}
