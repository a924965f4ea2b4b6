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

    @Flag(inversion: .prefixedNo, help: "Serve Prometheus metrics on /metrics (default: [metrics] enabled, true).")
    var metrics: Bool?

    @Option(name: .customLong("metrics-port"), help: "Port of the /metrics server (default: [metrics] port, 9090; 0 picks a free one).")
    var metricsPort: Int?

    @Option(name: .customLong("health-history-db"), help: "Health history database (default: health-history.db beside the state database).")
    var healthHistoryDB: String?

    func run() async throws {
        var overrides = Daemon.Overrides()
        overrides.databasePath = db
        overrides.processManager = processManager
        overrides.metrics = metrics
        overrides.metricsPort = metricsPort
        overrides.healthHistoryPath = healthHistoryDB
        try await Daemon.run(configPath: conf, overrides: overrides)
    }

    static func main() async {
        await CommandLineRunner.main(Self.self)
    }
}
