import ArgumentParser
import DixHost

/// `dixmgr`: the worker daemon.
@main
struct DixmgrCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dixmgr",
        abstract: "Run the dixmgr worker: durable workflows that keep this host's services running.")

    @Option(name: .long, help: "Host configuration file (TOML). Without it, the embedded defaults.")
    var conf: String?

    @Option(name: .long, help: "SQLite state database; overrides the configuration's state_path.")
    var db: String?

    @Option(name: .customLong("process-manager"), help: "Service manager backend: systemd or direct (overrides [services] process_manager).")
    var processManager: String?

    func run() async throws {
        try await Daemon.run(configPath: conf, databasePath: db, processManager: processManager)
    }

    static func main() async {
        await CommandLineRunner.main(Self.self)
    }
}
