import ArgumentParser

/// The `liqmap` executable: one binary, one subcommand per process role.
public struct LiqmapCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "liqmap",
        abstract: "Liquidation heatmaps from many crypto futures venues: collectors, aggregators, gateway.",
        subcommands: [
            CollectorCommand.self, AggregatorCommand.self, GatewayCommand.self, MigrateCommand.self,
            StatusCommand.self, ReshardCommand.self, ParseCommand.self, SimulateCommand.self, BenchCommand.self, EvalCommand.self, KeysCommand.self,
            PartitionsCommand.self, ChaosCommand.self,
        ]
    )

    public init() {}
}
