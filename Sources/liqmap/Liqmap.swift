import ArgumentParser
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
        await main(nil)
    }
}
