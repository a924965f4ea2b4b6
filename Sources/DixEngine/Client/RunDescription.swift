import Foundation

/// A run with its history, summarized by step, as `dixctl workflow show` prints it.
public struct RunDescription: Sendable, Codable {
    /// One step of the run, from all its events.
    public struct Step: Sendable, Codable {
        public var index: Int
        public var kind: StepKind
        public var name: String
        public var attempts: Int
        public var started: Date
        public var finished: Date?
        /// completed, failed, running, retrying, waiting, timed out, recorded.
        public var outcome: String
        public var detail: String?
        /// The effective retry policy and timeouts of an activity step.
        public var options: ActivityOptions?
        /// When a retry, timer or signal timeout is due.
        public var due: Date?
    }

    public var run: RunRecord
    public var steps: [Step]
    public var eventCount: Int
    /// Whether the worker that owns the open run still runs; nil without an owner.
    public var ownerLiveness: WorkerLiveness?

    init(run: RunRecord, history: [HistoryEvent], ownerLiveness: WorkerLiveness?) {
        self.run = run
        self.ownerLiveness = ownerLiveness
        eventCount = history.count
        var steps: [Int: Step] = [:]
        for event in history {
            guard let index = event.step, let kind = event.kind.stepKind else { continue }
            var step = steps[index] ?? Step(
                index: index, kind: kind, name: event.name ?? "", attempts: 0, started: event.detail?.scheduledAt ?? event.time,
                outcome: "running")
            if event.name != nil && step.name.isEmpty { step.name = event.name! }
            // Activity events record options only when they differ from the defaults.
            if let options = event.detail?.options {
                step.options = options
            } else if kind == .activity && step.options == nil {
                step.options = ActivityOptions()
            }
            if let attempt = event.attempt { step.attempts = max(step.attempts, attempt) }
            switch event.kind {
            case .activityStarted:
                step.outcome = "running"
            case .activityAttemptFailed:
                step.outcome = "retrying"
                step.due = event.detail?.deadline
                step.detail = event.error?.description
            case .timerStarted:
                step.outcome = "waiting"
                step.due = event.detail?.deadline
            case .signalWaitStarted:
                step.outcome = "waiting"
                step.due = event.detail?.deadline
            case .sideEffect, .statusPublished:
                step.outcome = "recorded"
                step.finished = event.time
                step.detail = PayloadCodec.preview(event.output, limit: 80)
            default:
                if event.kind.isCompletion {
                    step.finished = event.time
                    step.due = nil
                    if let error = event.error {
                        step.outcome = "failed"
                        step.detail = error.description
                    } else if event.kind == .signalTimedOut {
                        step.outcome = "timed out"
                    } else {
                        step.outcome = "completed"
                        step.detail = event.output.map { PayloadCodec.preview($0, limit: 80) }
                            ?? event.detail?.runID.map { "run \($0)" }
                    }
                }
            }
            steps[index] = step
        }
        self.steps = steps.values.sorted { $0.index < $1.index }
    }
}

/// What replaying a run against its history found.
public struct ReplayReport: Sendable, Codable {
    public enum Result: Sendable, Codable, Equatable {
        /// The code matched the history (the run may still be open).
        case ok(closedAs: RunStatus?)
        /// The code matched the history, which records a failure.
        case recordedFailure(step: Int?, error: ErrorInfo)
        /// The code diverged from the history.
        case nonDeterministic(NonDeterminismError)
    }

    public var runID: String
    public var workflowType: String
    public var steps: [ReplayStep]
    public var result: Result
    /// Steps the code still waited for when the history ended (an open run).
    public var waitingAt: [Int]
}
