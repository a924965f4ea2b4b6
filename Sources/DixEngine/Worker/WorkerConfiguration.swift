import CoreMetrics
import Foundation

/// How a worker runs: leases, limits, bounds and retention.
public struct WorkerConfiguration: Sendable {
    /// A name unique among the workers sharing the database.
    public var workerID: String
    /// How long a claimed run stays owned without renewal; a dead worker's runs are taken
    /// over after it (default 10 s).
    public var leaseDuration: Duration
    /// The most runs driven at once.
    public var maximumConcurrentRuns: Int
    /// A history above this many events logs a warning (default 10,000).
    public var historyWarningEvents: Int
    /// A history above this many events fails its run (default 50,000).
    public var historyLimitEvents: Int
    /// Closed runs older than this are purged (default 30 days).
    public var retention: Duration
    /// How long in-flight activities may run on after SIGTERM (default 10 s).
    public var shutdownGracePeriod: Duration
    /// The most attempts of one activity type running at once, by activity name.
    public var activityConcurrency: [String: Int]
    /// The safety-net interval for claiming runnable runs when no change was notified.
    public var fallbackClaimInterval: Duration
    /// Where the engine's metrics go (default: the bootstrapped swift-metrics backend).
    public var metricsFactory: (any MetricsFactory)?

    public init(
        workerID: String = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8).lowercased())",
        leaseDuration: Duration = .seconds(10),
        maximumConcurrentRuns: Int = 10_000,
        historyWarningEvents: Int = 10_000,
        historyLimitEvents: Int = 50_000,
        retention: Duration = .seconds(30 * 86_400),
        shutdownGracePeriod: Duration = .seconds(10),
        activityConcurrency: [String: Int] = [:],
        fallbackClaimInterval: Duration = .seconds(5),
        metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.workerID = workerID
        self.leaseDuration = leaseDuration
        self.maximumConcurrentRuns = maximumConcurrentRuns
        self.historyWarningEvents = historyWarningEvents
        self.historyLimitEvents = historyLimitEvents
        self.retention = retention
        self.shutdownGracePeriod = shutdownGracePeriod
        self.activityConcurrency = activityConcurrency
        self.fallbackClaimInterval = fallbackClaimInterval
        self.metricsFactory = metricsFactory
    }
}
