import ArgumentParser
import Foundation

/// Says honestly that a contract command exists but its issue has not landed, and exits 2.
func notYetBuilt(_ command: String, issue: Int) throws -> Never {
    FileHandle.standardError.write(Data("liqmap \(command): not yet built (delivered by issue #\(issue))\n".utf8))
    throw ExitCode(2)
}

/// `liqmap status`: cluster state for operators (issue #7).
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show collectors, shards and gateway health (not yet built).")
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var connection: ConnectionOptions
    func run() async throws { try notYetBuilt("status", issue: 7) }
}
