import ArgumentParser
import DixHost

/// `dixctl`: start, inspect, signal, cancel and replay workflow runs.
@main
struct DixctlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dixctl",
        abstract: "Control dixmgr: start, list, show, signal, cancel and replay workflow runs.",
        subcommands: [WorkflowCommand.self, HistoryCommand.self])

    static func main() async {
        await CommandLineRunner.main(Self.self)
    }
}

/// Where the database is, shared by every command.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "SQLite state database (default: the --conf state_path, or ./.dixmgr/state.db).")
    var db: String?

    @Option(name: .long, help: "dixmgr configuration file whose state_path to use.")
    var conf: String?
}

struct WorkflowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflow",
        abstract: "Workflow runs.",
        subcommands: [
            Start.self, List.self, Show.self, Result.self, Signal.self, Cancel.self, Terminate.self,
            Replay.self, Export.self, Fork.self, Retry.self,
        ])
}
