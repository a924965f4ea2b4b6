import DixEngine
import DixWorkflows
import Foundation
import Logging
import ServiceLifecycle

/// The dixmgr daemon: the worker and its services in one service group, stopped gracefully
/// by SIGTERM or SIGINT.
public enum Daemon {
    /// Loads the configuration (the embedded defaults without `configPath`), opens the
    /// database and runs until a shutdown signal.
    public static func run(configPath: String?, databasePath: String?) async throws {
        let config = try configPath.map(DixmgrConfig.load(path:)) ?? .defaults
        let level = Logger.Level(rawValue: config.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "dixmgr")
        let path = databasePath ?? config.statePath
        let worker = try Worker(
            databasePath: path, registry: BuiltinWorkflows.registry, configuration: config.workerConfiguration,
            durableCommits: config.synchronous == "full", logger: logger)
        let dixctl = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("dixctl").relativePath
        FileHandle.standardOutput.write(Data(
            "dixmgr: worker running on \(path); start a workflow with: \(dixctl) workflow start demo --db \(path) --input '{\"sleepSeconds\": 5}'\n".utf8))
        let group = ServiceGroup(
            configuration: .init(services: [worker], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
