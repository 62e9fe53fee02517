import ArgumentParser
import LiqmapCLI

/// The entry point: ArgumentParser's async `main()` over the commands of ``LiqmapCommand``.
@main
struct Liqmap: AsyncParsableCommand {
    static let configuration = LiqmapCommand.configuration
}
