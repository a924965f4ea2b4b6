import DixEngine
import DixObservability
import DixServices
import DixWorkflows
import Foundation
import Logging

/// dixmgr's host configuration (`conf/dixmgr.toml`).
///
/// ```toml
/// [engine]
/// state_path = ".dixmgr/state.db"
/// lease_seconds = 10
///
/// [engine.activity_concurrency]
/// "demo.greet" = 4
/// ```
public struct DixmgrConfig: Sendable, Equatable {
    /// Where the engine's SQLite database lives.
    public var statePath = ".dixmgr/state.db"
    /// `full` (every commit on disk, the default) or `normal`.
    public var synchronous = "full"
    public var leaseSeconds = 10.0
    public var shutdownGraceSeconds = 10.0
    public var historyWarningEvents = 10_000
    public var historyLimitEvents = 50_000
    public var retentionDays = 30.0
    public var maximumConcurrentRuns = 10_000
    public var activityConcurrency: [String: Int] = [:]
    /// trace, debug, info, notice, warning, error or critical.
    public var logLevel = "info"
    /// Which service manager backs the service activities, and what it manages.
    public var services = ServicesConfig()
    /// `[metrics]`: the /metrics server and the metric name prefix.
    public var metrics = MetricsConfig()
    /// `[health_history]`: its own database file (nil: beside the state database) and retention.
    public var healthHistoryPath: String?
    public var healthHistoryRetentionDays = 30
    /// `[alerts]`: thresholds, disabled rules, repeat interval and channels.
    public var alerts = AlertsConfig()
    /// `[[monitor]]`: the services dixmgr keeps checked, one monitor workflow each.
    public var monitors: [ServiceMonitorSpec] = []

    public init() {}

    /// The embedded default configuration, used when dixmgr runs without `--conf`.
    public static let defaults = DixmgrConfig()

    /// The worker settings this configuration describes.
    public var workerConfiguration: WorkerConfiguration {
        WorkerConfiguration(
            leaseDuration: .seconds(leaseSeconds), maximumConcurrentRuns: maximumConcurrentRuns,
            historyWarningEvents: historyWarningEvents, historyLimitEvents: historyLimitEvents,
            retention: .seconds(retentionDays * 86_400), shutdownGracePeriod: .seconds(shutdownGraceSeconds),
            activityConcurrency: activityConcurrency)
    }
}

/// The `[services]` section: the backend of the service activities and what it manages.
public struct ServicesConfig: Sendable, Equatable {
    /// `systemd` or `direct`.
    public var processManager = ProcessManagerKind.systemd
    /// `watch` (log what would be done, change nothing; the default) or `execute`.
    public var mode = ServiceManagerMode.watch
    /// The command prefix for systemctl, e.g. `["systemctl", "--user"]`.
    public var systemctl = ["systemctl"]
    public var journalctl = ["journalctl"]
    /// The units `list` reports.
    public var units: [String] = []
    /// Where the direct manager keeps PID files, state and logs.
    public var stateDirectory = ".dixmgr/services"
    /// The processes the direct manager supervises (`[[services.direct]]`).
    public var direct: [DirectServiceDefinition] = []

    public init() {}

    /// The service manager configuration this section describes.
    public func managerConfiguration(logger: Logger) -> ServiceManagerConfiguration {
        ServiceManagerConfiguration(
            mode: mode, systemd: SystemdConfiguration(systemctlCommand: systemctl, journalctlCommand: journalctl, units: units),
            direct: DirectManagerConfiguration(stateDirectory: stateDirectory, services: direct), logger: logger)
    }
}

/// The `[metrics]` section.
public struct MetricsConfig: Sendable, Equatable {
    /// Whether dixmgr serves /metrics (`--no-metrics` turns it off).
    public var enabled = true
    public var host = "127.0.0.1"
    /// `--metrics-port` overrides it.
    public var port = 9090
    /// The prefix of every metric name.
    public var namespace = "dixmgr"

    public init() {}
}

/// The `[alerts]` section.
public struct AlertsConfig: Sendable, Equatable {
    public var thresholds = AlertThresholds()
    /// Default rules turned off, by name (`high_disk_io`, `low_peer_count`, ...).
    public var disabledRules: [String] = []
    /// A firing alert is notified again only after this long.
    public var repeatIntervalSeconds = 300.0
    /// Where alerts go (`[[alerts.channels]]`); the log when none is configured.
    public var channels: [AlertChannelConfiguration] = [.log]

    public init() {}
}

/// A configuration file that cannot be used, with where and why.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let line: Int?
    public let message: String

    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(message)"
    }
}
