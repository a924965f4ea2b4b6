import Foundation

/// Everything one step of a run commits at once: new events, a change of the run row, and
/// the writes the step schedules elsewhere (a child run, a signal, a successor run).
///
/// Every write is fenced: it applies only while the writer's lease token still owns the
/// open run, so two workers never both advance a run.
package struct RunWrite: Sendable {
    package var runID: String
    package var leaseToken: Int64
    package var events: [HistoryEvent]
    @OutOfLine package var close: Close? = nil
    package var publishedStatus: Data?
    package var markCancelDelivered = false
    @OutOfLine package var action: Action? = nil
    /// A run to create before the write applies (an in-process start; `leaseToken` is 1).
    @OutOfLine package var create: NewRun? = nil

    /// A write that must be decided inside the transaction, whose outcome the step returns.
    package enum Action: Sendable {
        /// Consume the oldest unconsumed signal `name` of the run's workflow ID, recording
        /// `signalReceived` for `step`; if there is none, do what `ifNone` says.
        case consumeSignal(step: Int, name: String, ifNone: NoSignal, time: Date)
        /// Put a signal in another workflow's inbox, recording `signalSent` with the outcome.
        case sendSignal(step: Int, target: String, name: String, payload: Data?, time: Date)
        /// Create a child run, recording `childStarted` with the outcome.
        case startChild(step: Int, run: NewRun, digest: String, time: Date)
    }

    /// What a signal wait records when its signal is not there yet.
    package enum NoSignal: Sendable {
        /// Record `signalWaitStarted` with the wait's deadline.
        case recordWait(deadline: Date?)
        /// Record nothing (the wait is already recorded).
        case keepWaiting
        /// Record `signalTimedOut`.
        case timeOut
    }

    /// How the run closes.
    package struct Close: Sendable {
        package var status: RunStatus
        package var result: Data?
        package var error: ErrorInfo?
        package var successor: NewRun?
    }

    package init(runID: String, leaseToken: Int64, events: [HistoryEvent] = []) {
        self.runID = runID
        self.leaseToken = leaseToken
        self.events = events
    }
}

extension RunWrite {
    /// The error of a write refused because an earlier write of its run, under the same
    /// lease, failed (see ``GroupCommitter``).
    package var refusedAfterFailure: EngineError {
        EngineError(
            .storage,
            "write to run \(runID) refused: an earlier write of the run failed, and its history must not have a hole (the run is driven again from what was stored)")
    }
}

/// What a committed ``RunWrite`` reports back.
///
/// A step's commit reports only the event count; what other writes report is kept boxed, so
/// that the receipts every commit hands around stay two words long.
package struct WriteReceipt: Sendable {
    private final class Details: Sendable {
        let completion: HistoryEvent?
        let closedRun: RunRecord?

        init(completion: HistoryEvent?, closedRun: RunRecord?) {
            self.completion = completion
            self.closedRun = closedRun
        }
    }

    /// The run's event count after the write.
    package let eventCount: Int
    private let details: Details?

    package init(eventCount: Int, completion: HistoryEvent? = nil, closedRun: RunRecord? = nil) {
        self.eventCount = eventCount
        details = completion == nil && closedRun == nil ? nil : Details(completion: completion, closedRun: closedRun)
    }

    /// The completion event an ``RunWrite/Action`` produced, if it resolved its step.
    package var completion: HistoryEvent? { details?.completion }
    /// The run's record after a write that closed it.
    package var closedRun: RunRecord? { details?.closedRun }
}
