import ArgumentParser
import Foundation
import LiqmapChaos
import LiqmapTesting

/// `liqmap chaos`: the reliability suite. Private clusters on loopback, faults injected on purpose,
/// the oracle's verdict per run, the results as JSON lines, and docs/RELIABILITY.md made from them.
struct ChaosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos",
        abstract: "The reliability suite: inject faults into private loopback clusters and check every run's totals exactly.",
        discussion: "Run from a checkout: it starts Redis and PostgreSQL through Deploy/local/services. docs/RELIABILITY.md explains each scenario.",
        subcommands: [ChaosListCommand.self, ChaosRunCommand.self, ChaosSoakCommand.self, ChaosReportCommand.self]
    )
}

/// `liqmap chaos list`: the scenarios, with what they inject.
struct ChaosListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The scenarios and the short suite.")

    func run() {
        for s in ChaosScenarios.all {
            print("\(s.name.padding(toLength: 18, withPad: " ", startingAt: 0)) \(s.plan.mode.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) \(s.fault)")
            print(String(repeating: " ", count: 27) + s.injection)
        }
        print("short suite (CI): \(ChaosScenarios.short.joined(separator: ", "))")
    }
}

/// Options every running subcommand shares.
struct ChaosOutputOptions: ParsableArguments {
    @Option(help: "Append each run's record (one JSON line) to this file.") var results: String?
    @Option(help: "Copy the logs of a failed run into this folder.") var keepFailed: String = ".liqmap/chaos-failed"
}

/// `liqmap chaos run`: scenarios, each `--runs` times with seeds `--seed`, `--seed`+1, …
struct ChaosRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run scenarios; exit 1 when any run fails its checks.")

    @Option(name: .customLong("scenario"), help: "A scenario name (repeatable; see `liqmap chaos list`).") var scenarios: [String] = []
    @Option(help: "A suite instead: short (what CI runs) or all.") var suite: String?
    @Option(help: "Runs of each scenario.") var runs: Int = 1
    @Option(help: "The first run's seed (the market and the fault schedule); run k uses seed + k.") var seed: UInt64 = 1
    @OptionGroup var output: ChaosOutputOptions

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        if let suite, !["short", "all"].contains(suite) { throw ValidationError("--suite must be short or all") }
        guard !scenarios.isEmpty || suite != nil else { throw ValidationError("name --scenario NAME or --suite short|all") }
        for name in scenarios where ChaosScenarios.named(name) == nil {
            throw ValidationError("unknown scenario '\(name)'; known: \(ChaosScenarios.all.map(\.name).joined(separator: ", "))")
        }
    }

    func run() async throws {
        var chosen = scenarios.compactMap(ChaosScenarios.named)
        switch suite {
        case "short": chosen += ChaosScenarios.short.compactMap(ChaosScenarios.named)
        case "all": chosen += ChaosScenarios.all
        default: break
        }
        let failed = try await ChaosSession(output: output).run(chosen, runs: runs, seed: seed)
        if failed > 0 { throw ExitCode(1) }
    }
}

/// `liqmap chaos soak`: one long run with a seeded random mix of faults.
struct ChaosSoakCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "soak", abstract: "A seeded random mix of faults on one cluster; reproducible from its seed.")

    @Option(help: "Wall minutes of market.") var minutes: Double = 30
    @Option(help: "The seed of the market and of the fault schedule.") var seed: UInt64 = 1
    @OptionGroup var output: ChaosOutputOptions

    func validate() throws {
        guard minutes >= 0.5 else { throw ValidationError("--minutes must be at least 0.5") }
    }

    func run() async throws {
        let failed = try await ChaosSession(output: output).run([SoakScenario(minutes: minutes)], runs: 1, seed: seed)
        if failed > 0 { throw ExitCode(1) }
    }
}

/// `liqmap chaos report`: docs/RELIABILITY.md's table from a results file.
struct ChaosReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Write the reliability table from run records.")

    @Option(help: "The results file (JSON lines from run and soak).") var results: String = "docs/reliability/runs.jsonl"
    @Option(help: "The document whose generated part is replaced.") var out: String = "docs/RELIABILITY.md"

    func run() throws {
        let records = try RunRecord.read(lines: try String(contentsOfFile: results, encoding: .utf8))
        let rows = ReliabilityReport.rows(records, scenarios: ChaosScenarios.all + [SoakScenario(minutes: 30)])
        let existing = try? String(contentsOfFile: out, encoding: .utf8)
        try ReliabilityReport.document(existing: existing, rows: rows, records: records, source: results).write(toFile: out, atomically: true, encoding: .utf8)
        print(ReliabilityReport.table(rows), terminator: "")
        print("wrote \(out) from \(records.count) runs")
    }
}

/// Runs scenarios one after the other, printing each verdict and appending its record.
struct ChaosSession {
    let output: ChaosOutputOptions

    /// Returns the number of failed runs.
    func run(_ scenarios: [any ChaosScenario], runs: Int, seed: UInt64) async throws -> Int {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let runner = ChaosRunner(executable: executable, keepFailed: output.keepFailed, commit: Self.commit(),
                                 log: { printError("chaos: " + $0) })
        var failed = 0
        for scenario in scenarios {
            for k in 0..<runs {
                let record: RunRecord
                do { record = try await runner.run(scenario, seed: seed + UInt64(k)) } catch {
                    printError("chaos: \(scenario.name) seed \(seed + UInt64(k)): the run could not be carried out: \(error)")
                    failed += 1
                    continue
                }
                if let results = output.results { try Self.append(try record.jsonLine() + "\n", to: results) }
                let r = record.recoveries.sorted()
                let line = "\(record.passed ? "PASS" : "FAIL") \(scenario.name) seed \(record.seed): \(record.faults) faults, "
                    + "\(record.verdict.appliedEvents) events, \(record.verdict.liquidations) liquidations, lost \(record.verdict.lost), "
                    + "duplicated \(record.verdict.duplicated), recovery p50 \(ReliabilityReport.quantile(r, 0.5).map { String(format: "%.2f s", $0) } ?? "—"), "
                    + "max \(r.last.map { String(format: "%.2f s", $0) } ?? "—") (\(String(format: "%.0f", record.seconds)) s)"
                print(line)
                if !record.passed {
                    failed += 1
                    for p in record.problems + record.verdict.problems { print("  - \(p)") }
                    print("  logs: \(output.keepFailed)/\(scenario.name)-\(record.seed)")
                }
            }
        }
        print("chaos: \(scenarios.count * runs - failed) of \(scenarios.count * runs) runs passed")
        return failed
    }

    static func append(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }

    /// `LIQMAP_COMMIT`, else `git rev-parse --short HEAD` in the current folder, else nil.
    static func commit() -> String? {
        if let c = ProcessInfo.processInfo.environment["LIQMAP_COMMIT"], !c.isEmpty { return c }
        let out = NSTemporaryDirectory() + "liqmap-chaos-commit-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: out) }
        guard let git = ["/usr/bin/git", "/usr/local/bin/git"].first(where: FileManager.default.isExecutableFile),
              let p = try? ChildProcess([git, "rev-parse", "--short", "HEAD"], log: out, truncate: true), (try? p.waitBlocking()) == 0,
              let text = try? String(contentsOfFile: out, encoding: .utf8) else { return nil }
        let c = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return c.isEmpty ? nil : c
    }
}
