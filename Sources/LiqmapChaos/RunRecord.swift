import Foundation

/// What one run of one scenario did and proved: one JSON line in the results file.
public struct RunRecord: Sendable, Codable, Equatable {
    public var scenario: String
    public var seed: UInt64
    public var mode: MarketMode
    /// When the run started (UTC, ISO 8601).
    public var started: String
    /// Wall seconds, setup to verdict.
    public var seconds: Double
    /// The commit the `liqmap` binary was built from, when known.
    public var commit: String?
    /// Faults injected.
    public var faults: Int
    /// Seconds from each fault to its recovery (the scenario's probe: a takeover, every shard
    /// committing again, a connection back).
    public var recoveries: [Double]
    public var verdict: OracleVerdict
    /// What the scenario observed (e.g. "fenced").
    public var notes: [String]
    /// The scenario's own failed checks (the oracle's are in `verdict.problems`).
    public var problems: [String]

    public var passed: Bool { problems.isEmpty && verdict.holds }

    public init(scenario: String, seed: UInt64, mode: MarketMode, started: String, seconds: Double, commit: String?, faults: Int,
                recoveries: [Double], verdict: OracleVerdict, notes: [String], problems: [String]) {
        self.scenario = scenario
        self.seed = seed
        self.mode = mode
        self.started = started
        self.seconds = seconds
        self.commit = commit
        self.faults = faults
        self.recoveries = recoveries
        self.verdict = verdict
        self.notes = notes
        self.problems = problems
    }

    /// One line of JSON (keys sorted, so the file diffs well).
    public func jsonLine() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// The records of a results file (one JSON object per line); unreadable lines are errors.
    public static func read(lines text: String) throws -> [RunRecord] {
        try text.split(separator: "\n").enumerated().map { i, line in
            do { return try JSONDecoder().decode(RunRecord.self, from: Data(line.utf8)) } catch {
                throw ReportError(description: "results line \(i + 1) is not a run record: \(error)")
            }
        }
    }
}

/// A results file that cannot be read.
public struct ReportError: Error, CustomStringConvertible {
    public let description: String
}
