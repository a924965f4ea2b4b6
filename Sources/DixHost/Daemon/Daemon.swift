import DixEngine
import DixServices
import DixWorkflows
import Foundation
import Logging
import ServiceLifecycle

/// The dixmgr daemon: the worker and its services in one service group, stopped gracefully
/// by SIGTERM or SIGINT.
public enum Daemon {
    /// Loads the configuration (the embedded defaults without `configPath`), opens the
    /// database and runs until a shutdown signal.
    public static func run(configPath: String?, databasePath: String?, processManager: String? = nil) async throws {
        var config = try configPath.map(DixmgrConfig.load(path:)) ?? .defaults
        if let processManager {
            guard let kind = ProcessManagerKind(rawValue: processManager) else {
                throw UsageError("--process-manager must be systemd or direct, got '\(processManager)'")
            }
            config.services.processManager = kind
        }
        let level = Logger.Level(rawValue: config.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "dixmgr")
        let path = databasePath ?? config.statePath
        let manager: any ServiceManager
        do {
            manager = try config.services.processManager.makeManager(
                config.services.managerConfiguration(logger: Logger(label: "dixmgr.services")))
        } catch {
            throw ConfigError(file: configPath ?? "embedded defaults", line: nil, message: "[services] \(error)")
        }
        if let direct = manager as? DirectProcessManager {
            await direct.adoptRunningProcesses()
        }
        logger.info(
            "service manager ready",
            metadata: ["backend": "\(config.services.processManager)", "mode": "\(config.services.mode)"])
        let worker = try Worker(
            databasePath: path, registry: registry(serviceManager: manager), configuration: config.workerConfiguration,
            durableCommits: config.synchronous == "full", logger: logger)
        let dixctl = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("dixctl").relativePath
        FileHandle.standardOutput.write(Data(
            "dixmgr: worker running on \(path); start a workflow with: \(dixctl) workflow start demo --db \(path) --input '{\"sleepSeconds\": 5}'\n".utf8))
        let group = ServiceGroup(
            configuration: .init(services: [worker], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        if let direct = manager as? DirectProcessManager {
            // Supervised processes keep running; the next dixmgr re-adopts them from their PID files.
            await direct.shutdown(stopServices: false)
        }
    }

    /// The built-in workflows plus the service and check activities on `serviceManager`.
    public static func registry(serviceManager: any ServiceManager) -> WorkflowRegistry {
        var registry = BuiltinWorkflows.registry
        registry.register(StartServiceActivity(manager: serviceManager))
        registry.register(StopServiceActivity(manager: serviceManager))
        registry.register(RestartServiceActivity(manager: serviceManager))
        registry.register(ServiceStatusActivity(manager: serviceManager))
        registry.register(RecentOutputActivity(manager: serviceManager))
        registry.register(ListServicesActivity(manager: serviceManager))
        registry.register(HTTPCheckActivity())
        registry.register(NodeSyncCheckActivity())
        registry.register(ResourceSampleActivity())
        registry.register(DependencyWaitActivity())
        return registry
    }
}
