import DixEngine
import DixObservability
import DixResilience
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
    /// Command-line choices that override the configuration file.
    public struct Overrides: Sendable {
        public var databasePath: String?
        public var processManager: String?
        /// `--metrics` / `--no-metrics`; nil keeps `[metrics] enabled`.
        public var metrics: Bool?
        public var metricsPort: Int?
        public var healthHistoryPath: String?

        public init() {}
    }

    public static func run(configPath: String?, overrides: Overrides) async throws {
        let databasePath = overrides.databasePath
        let processManager = overrides.processManager
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
        if let port = overrides.metricsPort, !(0...65_535).contains(port) {
            throw UsageError("--metrics-port must be between 0 and 65535, got \(port)")
        }
        let observability = try Observability(
            configuration: observabilityConfiguration(config, overrides: overrides, statePath: path),
            logger: Logger(label: "dixmgr.observability"))
        await observability.alerts.resume(try await observability.history.unresolvedAlerts())
        var workerConfiguration = config.workerConfiguration
        workerConfiguration.metricsFactory = observability.metricsFactory
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
        var registry = registry(serviceManager: manager)
        BuiltinWorkflows.registerMonitorActivities(
            in: &registry, manager: manager, recorder: HealthRecorder(observability),
            breakers: CircuitBreakerRegistry(
                defaultConfiguration: BuiltinWorkflows.checkBreakerConfiguration, metricsFactory: observability.metricsFactory))
        let worker = try Worker(
            databasePath: path, registry: registry, configuration: workerConfiguration,
            durableCommits: config.synchronous == "full", logger: logger)
        try await MonitorReconciler(
            client: WorkflowClient(databasePath: path, registry: registry), logger: Logger(label: "dixmgr.monitors")
        ).reconcile(config.monitors)
        let dixctl = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("dixctl").relativePath
        FileHandle.standardOutput.write(Data(
            "dixmgr: worker running on \(path); start a workflow with: \(dixctl) workflow start demo --db \(path) --input '{\"sleepSeconds\": 5}'\n".utf8))
        let group = ServiceGroup(
            configuration: .init(
                services: [worker] + observability.services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        if let direct = manager as? DirectProcessManager {
            // Supervised processes keep running; the next dixmgr re-adopts them from their PID files.
            await direct.shutdown(stopServices: false)
        }
    }

    /// The observability settings of `config`, with the command line's overrides.
    static func observabilityConfiguration(
        _ config: DixmgrConfig, overrides: Overrides, statePath: String
    ) -> ObservabilityConfiguration {
        ObservabilityConfiguration(
            metricsEnabled: overrides.metrics ?? config.metrics.enabled,
            metricsServer: .init(host: config.metrics.host, port: overrides.metricsPort ?? config.metrics.port),
            metricsNamespace: config.metrics.namespace,
            healthHistoryPath: overrides.healthHistoryPath ?? config.healthHistoryPath ?? healthHistoryPath(forStateAt: statePath),
            healthHistory: .init(retentionDays: config.healthHistoryRetentionDays),
            alertThresholds: config.alerts.thresholds, disabledAlertRules: Set(config.alerts.disabledRules),
            alertManager: .init(repeatInterval: .seconds(config.alerts.repeatIntervalSeconds)),
            alertChannels: config.alerts.channels)
    }

    /// The health history lives beside the engine's database unless told otherwise.
    public static func healthHistoryPath(forStateAt statePath: String) -> String {
        URL(fileURLWithPath: statePath).deletingLastPathComponent().appendingPathComponent(HealthHistory.defaultFileName).path
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
