import ArgumentParser
import Foundation
import Glibc
import LiqmapCLI

/// The entry point: ArgumentParser's async `main()` over the commands of ``LiqmapCommand``.
@main
struct Liqmap: AsyncParsableCommand {
    static let configuration = LiqmapCommand.configuration

    /// SIGPIPE is ignored first: hiredis and libpq write to sockets with plain `write`, and a server
    /// that went away mid-write would otherwise kill the process (exit 141) instead of giving the
    /// caller an error to spool on or retry (found by `liqmap chaos soak`).
    static func main() async {
        signal(SIGPIPE, SIG_IGN)
        await main(arguments)
    }

    /// The arguments after the program name. With some preloaded libraries (libfaketime, which the
    /// clock-skew fault uses) the Swift runtime gets no argv at all; `/proc/self/cmdline` still has it.
    static var arguments: [String]? {
        guard CommandLine.arguments.isEmpty, let cmdline = FileManager.default.contents(atPath: "/proc/self/cmdline") else { return nil }
        return cmdline.split(separator: 0, omittingEmptySubsequences: false).dropFirst().dropLast(cmdline.last == 0 ? 1 : 0)
            .map { String(decoding: $0, as: UTF8.self) }
    }
}
