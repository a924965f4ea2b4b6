import Foundation

/// What reaches a run's driver from outside the workflow code.
enum DriverMessage: Sendable {
    /// A live step finished; `events` record it and are committed before delivery.
    case completed(step: Int, events: [HistoryEvent])
    /// A live step's task committed its completion `event` (or failed to); with the run's
    /// event count after it. (Not the whole receipt: messages are copied on their way, and one
    /// per step is this one.)
    case liveStepCommitted(step: Int, event: HistoryEvent, Result<Int, Error>)
    /// A live step's task could not record an event.
    case liveWriteFailed(Error)
    /// A write of the driver's own committed.
    case ownWriteCommitted(token: Int, Result<WriteReceipt, Error>)
    /// The code issued a step for the driver, or ended, while the driver waited idle.
    case wake
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
