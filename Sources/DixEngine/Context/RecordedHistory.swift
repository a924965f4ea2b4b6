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

    /// Steps by index. A history numbers its steps densely from 0 and every step has at least
    /// one event, so indices below the event count live in an array; any other index (only a
    /// hand-edited history file has one) goes to a dictionary.
    struct StepTable: Sendable {
        private var dense: [Step?]
        private var sparse: [Int: Step] = [:]

        init(denseLimit: Int) {
            dense = Array(repeating: nil, count: max(0, denseLimit))
        }

        subscript(index: Int) -> Step? {
            dense.indices.contains(index) ? dense[index] : sparse[index]
        }

        /// Changes step `index` in place, creating it first if the history had not named it.
        mutating func update(_ index: Int, _ change: (inout Step) -> Void) {
            if dense.indices.contains(index) {
                if dense[index] == nil { dense[index] = Step() }
                change(&dense[index]!)
            } else {
                change(&sparse[index, default: Step()])
            }
        }

        /// The indices of the steps the history names, in ascending order.
        var indices: [Int] {
            let named = dense.indices.filter { dense[$0] != nil }
            return sparse.isEmpty ? named : (named + sparse.keys).sorted()
        }
    }

    let events: [HistoryEvent]
    var steps: StepTable
    /// Positions of the completion events not yet delivered, in history order.
    var completions: Deque<Int> = []
    /// The event that closed the run, if it is closed.
    var close: HistoryEvent?

    init(_ events: [HistoryEvent]) {
        self.events = events
        steps = StepTable(denseLimit: events.count)
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
            steps.update(index) { step in
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
                if kind.isCompletion { step.completedBy = position }
            }
            if kind.isCompletion { completions.append(position) }
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
        // Field by field, in place: a method called on `events[position]` copies the whole
        // event (a retain per field) for every replayed step.
        return events[position].kind.stepKind == command.kind && events[position].name == command.name
            && events[position].inputDigest == command.digest
    }

    /// The step `index` as recorded, for reports.
    func descriptor(of index: Int) -> StepDescriptor? {
        describingEvent(of: index)?.descriptor
    }

    /// What the history recorded for step `index`, for replay reports: the outcome, and the
    /// result or error shortened. Reads the completion in place.
    func recordedOutcome(of index: Int) -> (outcome: String, detail: String?) {
        guard let step = steps[index] else { return ("pending", nil) }
        if let position = step.completedBy {
            if let error = events[position].error { return ("failed", error.description) }
            let outcome = events[position].kind == .signalTimedOut ? "timed out" : "completed"
            return (outcome, events[position].output.map { PayloadCodec.preview($0, limit: 120) })
        }
        if let value = step.value { return ("recorded", PayloadCodec.preview(value, limit: 120)) }
        return ("pending", nil)
    }
}
