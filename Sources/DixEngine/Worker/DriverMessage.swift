import Foundation

/// What reaches a run's driver from outside the workflow code.
enum DriverMessage: Sendable {
    /// A live step finished; `events` record it and are committed before delivery.
    case completed(step: Int, events: [HistoryEvent])
    /// Events to record that resolve nothing (an attempt failed, an activity is running).
    case record([HistoryEvent])
    /// New signals may be in the inbox.
    case signalsAvailable
    /// A signal wait's timeout passed.
    case signalDeadline(step: Int)
    /// Someone asked to cancel the run.
    case cancelRequested
    /// A child run closed.
    case childClosed(runID: String)
    /// Stop driving the run (lease lost, terminated elsewhere, worker shutting down).
    case stop(String)
}
