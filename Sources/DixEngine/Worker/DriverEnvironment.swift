import CoreMetrics
import Foundation
import Logging

/// What a live run driver needs from its worker. A class: drivers and activity runners pass
/// it around on every step, and a copy of the struct retained each of its fields.
final class DriverEnvironment: Sendable {
    let workerID: String
    let committer: GroupCommitter
    let store: any WorkflowStore
    let registry: WorkflowRegistry
    let limits: [String: ConcurrencyLimit]
    let clock: any EngineClock
    let metrics: any MetricsFactory
    /// The worker's activity metrics, made once per activity type.
    let activityMeters: ActivityMetersCache
    /// Arms the `activityStarted` markers of activity attempts.
    let startedMarkers: FixedDelayTimer
    let leaseDuration: Duration
    let historyWarningEvents: Int
    let historyLimitEvents: Int
    let isDraining: @Sendable () -> Bool
    /// Starts driving a run this worker created (a child, a continue-as-new successor).
    let launch: @Sendable (RunRecord, [HistoryEvent]) -> Void
    /// Tells the worker a run closed (result waiters, other runs, other processes); `closed`
    /// is its record as the close left it, when the store returned it.
    let runClosed: @Sendable (_ run: RunRecord, _ closed: RunRecord?) -> Void
    /// Tells other runs and processes that something they may wait for changed.
    let notifyOthers: @Sendable () -> Void
    /// Counts in-flight activity attempts, for graceful shutdown: `activityBegins` counts one
    /// about to start, or returns false once the worker drains (it must not start then).
    let activityBegins: @Sendable () -> Bool
    let activityEnded: @Sendable () -> Void

    init(
        workerID: String,
        committer: GroupCommitter,
        store: any WorkflowStore,
        registry: WorkflowRegistry,
        limits: [String: ConcurrencyLimit],
        clock: any EngineClock,
        metrics: any MetricsFactory,
        activityMeters: ActivityMetersCache,
        startedMarkers: FixedDelayTimer,
        leaseDuration: Duration,
        historyWarningEvents: Int,
        historyLimitEvents: Int,
        isDraining: @escaping @Sendable () -> Bool,
        launch: @escaping @Sendable (RunRecord, [HistoryEvent]) -> Void,
        runClosed: @escaping @Sendable (_ run: RunRecord, _ closed: RunRecord?) -> Void,
        notifyOthers: @escaping @Sendable () -> Void,
        activityBegins: @escaping @Sendable () -> Bool,
        activityEnded: @escaping @Sendable () -> Void
    ) {
        self.workerID = workerID
        self.committer = committer
        self.store = store
        self.registry = registry
        self.limits = limits
        self.clock = clock
        self.metrics = metrics
        self.activityMeters = activityMeters
        self.startedMarkers = startedMarkers
        self.leaseDuration = leaseDuration
        self.historyWarningEvents = historyWarningEvents
        self.historyLimitEvents = historyLimitEvents
        self.isDraining = isDraining
        self.launch = launch
        self.runClosed = runClosed
        self.notifyOthers = notifyOthers
        self.activityBegins = activityBegins
        self.activityEnded = activityEnded
    }
}
