import ArgumentParser
import Foundation
import LiqmapCore
import LiqmapExchanges

/// `liqmap parse`: recorded frames → normalized events, one JSON object per line (contract:
/// shared/contracts/normalized-events.md). Malformed frames are reported on stderr with their line
/// number and reason; parsing goes on; the last stderr line is the summary.
struct ParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "parse", abstract: "Print the normalized events of recorded frames.")
    @Option(help: "The feed the frames come from: \(Feed.allCases.map(\.rawValue).joined(separator: ", ")).") var feed: String
    @Option(help: "Instrument metadata REST body (repeatable); a value from a file wins over the built-in defaults.")
    var instruments: [String] = []
    @Argument(help: "A recording (RECV_TS_MS<TAB>FRAME or raw frames, one per line), or - for stdin.") var file: String = "-"

    func run() throws {
        guard let feed = Feed(rawValue: feed) else {
            throw ValidationError("unknown feed '\(self.feed)'; one of: \(Feed.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let registry = try loadInstruments(instruments)
        let input: Data
        if file == "-" {
            input = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read '\(file)'") }
            input = data
        }
        var session = ParseSession(feed: feed, instruments: registry)
        var out: [UInt8] = []
        let text = String(decoding: input, as: UTF8.self)
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            switch session.line(line) {
            case .skipped: continue
            case .events(let events):
                for e in events {
                    e.appendJSON(to: &out)
                    out.append(0x0A)
                }
            case .malformed(let reason):
                printError("line \(lineNumber): malformed: \(reason)")
            }
            for gap in session.takeGaps() {
                printError("line \(lineNumber): gap: \(gap.symbol) sequence \(gap.from)...\(gap.to) missing")
            }
            if out.count > 1 << 16 {
                FileHandle.standardOutput.write(Data(out))
                out.removeAll(keepingCapacity: true)
            }
        }
        FileHandle.standardOutput.write(Data(out))
        printError(session.summary)
    }
}

/// Loads `--instruments` files: a REST body, or lines of bodies (also cryptofeed's `URL -> ts: body`).
func loadInstruments(_ paths: [String]) throws -> InstrumentRegistry {
    var registry = InstrumentRegistry()
    for path in paths {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read instruments file '\(path)'") }
        let (loaded, errors) = registry.load(file: String(decoding: data, as: UTF8.self))
        if let error = errors.first { throw ValidationError("instruments file '\(path)': \(error.reason)") }
        if loaded == 0 { throw ValidationError("instruments file '\(path)' holds no instrument body") }
    }
    return registry
}

func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
