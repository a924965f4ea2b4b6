import DixEngine
import Foundation

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

/// A configuration file that cannot be used, with where and why.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let line: Int?
    public let message: String

    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(message)"
    }
}
