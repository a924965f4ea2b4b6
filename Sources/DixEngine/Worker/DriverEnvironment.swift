import CoreMetrics
import Foundation
import Logging

/// What a live run driver needs from its worker.
struct DriverEnvironment: Sendable {
    var workerID: String
    var committer: GroupCommitter
    var store: any WorkflowStore
    var registry: WorkflowRegistry
    var limits: [String: ConcurrencyLimit]
    var clock: any EngineClock
    var metrics: any MetricsFactory
    /// Arms the `activityStarted` markers of activity attempts.
    var startedMarkers: FixedDelayTimer
    var leaseDuration: Duration
    var historyWarningEvents: Int
    var historyLimitEvents: Int
    var isDraining: @Sendable () -> Bool
    /// Starts driving a run this worker created (a child, a continue-as-new successor).
    var launch: @Sendable (RunRecord, [HistoryEvent]) -> Void
    /// Tells the worker a run closed (result waiters, other runs, other processes); `closed`
    /// is its record as the close left it, when the store returned it.
    var runClosed: @Sendable (_ run: RunRecord, _ closed: RunRecord?) -> Void
    /// Tells other runs and processes that something they may wait for changed.
    var notifyOthers: @Sendable () -> Void
    /// Counts in-flight activity attempts, for graceful shutdown.
    var activityBegan: @Sendable () -> Void
    var activityEnded: @Sendable () -> Void
}
