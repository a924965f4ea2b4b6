import DequeModule
import Foundation

/// A run's history arranged for replay: what each step recorded, and the completions to
/// deliver in order.
struct RecordedHistory: Sendable {
    /// What the history says about one step.
    ///
    /// Events are referred to by their position in ``events``: a step stays small, so looking
    /// one up while replaying copies a few words rather than whole events.
    struct Step: Sendable {
        /// The first event of the step that describes it (kind, name, input digest).
        var describedBy: Int?
        /// The event that completed the step.
        var completedBy: Int?
        var isCompleted: Bool { completedBy != nil }
        var lastFailedAttempt = 0
        var nextAttemptAt: Date?
        var scheduledAt: Date?
        var deadline: Date?
        var waitRecorded = false
        var value: Data?
    }

    let events: [HistoryEvent]
    var steps: [Int: Step] = [:]
    /// Positions of the completion events not yet delivered, in history order.
    var completions: Deque<Int> = []
    /// The event that closed the run, if it is closed.
    var close: HistoryEvent?

    init(_ events: [HistoryEvent]) {
        self.events = events
        steps.reserveCapacity(events.count)
        completions.reserveCapacity(events.count)
        // Events are read in place (`events[position].field`): a history event is a few
        // hundred bytes, and copying each one several times would dominate a replay.
        for position in events.indices {
            let kind = events[position].kind
            if kind.isClose {
                close = events[position]
                continue
            }
            if kind == .cancelRequested {
                completions.append(position)
                continue
            }
            guard let index = events[position].step else { continue }
            var step = steps[index] ?? Step()
            if step.describedBy == nil, events[position].describesStep { step.describedBy = position }
            switch kind {
            case .activityStarted:
                step.scheduledAt = step.scheduledAt ?? events[position].detail?.scheduledAt ?? events[position].time
            case .activityAttemptFailed:
                step.lastFailedAttempt = max(step.lastFailedAttempt, events[position].attempt ?? 0)
                step.nextAttemptAt = events[position].detail?.deadline
                step.scheduledAt = step.scheduledAt ?? events[position].detail?.scheduledAt
            case .timerStarted:
                step.deadline = events[position].detail?.deadline
            case .signalWaitStarted:
                step.waitRecorded = true
                step.deadline = events[position].detail?.deadline
            case .sideEffect, .statusPublished:
                step.value = events[position].output
            default:
                break
            }
            if kind.isCompletion {
                step.completedBy = position
                completions.append(position)
            }
            steps[index] = step
        }
    }

    /// Whether recorded completions remain to be delivered.
    var isReplaying: Bool { !completions.isEmpty }

    /// The kind and step of the next completion to deliver, without copying the event.
    var nextCompletion: (kind: HistoryEvent.Kind, step: Int?)? {
        completions.first.map { (events[$0].kind, events[$0].step) }
    }

    /// Takes the next completion to deliver.
    mutating func popCompletion() -> HistoryEvent? {
        completions.popFirst().map { events[$0] }
    }

    /// The event that describes step `index`, for determinism checks.
    func describingEvent(of index: Int) -> HistoryEvent? {
        steps[index]?.describedBy.map { events[$0] }
    }

    /// Whether the recorded step `index` is the step `command` issues; nil when the history
    /// does not describe that step.
    func recordedStep(_ index: Int, matches command: StepCommand) -> Bool? {
        guard let position = steps[index]?.describedBy else { return nil }
        return events[position].describes(command)
    }

    /// The step `index` as recorded, for reports.
    func descriptor(of index: Int) -> StepDescriptor? {
        describingEvent(of: index)?.descriptor
    }

    /// The event that completed step `index`.
    func completion(of index: Int) -> HistoryEvent? {
        steps[index]?.completedBy.map { events[$0] }
    }
}
