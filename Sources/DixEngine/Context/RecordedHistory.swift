import DequeModule
import Foundation

/// A run's history arranged for replay: what each step recorded, and the completions to
/// deliver in order.
struct RecordedHistory: Sendable {
    /// What the history says about one step.
    struct Step: Sendable {
        var descriptor: StepDescriptor?
        var completion: HistoryEvent?
        var lastFailedAttempt = 0
        var nextAttemptAt: Date?
        var scheduledAt: Date?
        var deadline: Date?
        var waitRecorded = false
        var value: Data?
    }

    var steps: [Int: Step] = [:]
    /// Completion events not yet delivered, in history order.
    var completions: Deque<HistoryEvent> = []
    /// The event that closed the run, if it is closed.
    var close: HistoryEvent?

    init(_ events: [HistoryEvent]) {
        for event in events {
            if event.kind.isClose {
                close = event
                continue
            }
            if event.kind == .cancelRequested {
                completions.append(event)
                continue
            }
            guard let index = event.step else { continue }
            var step = steps[index] ?? Step()
            if step.descriptor == nil, let descriptor = event.descriptor { step.descriptor = descriptor }
            switch event.kind {
            case .activityStarted:
                step.scheduledAt = step.scheduledAt ?? event.detail?.scheduledAt ?? event.time
            case .activityAttemptFailed:
                step.lastFailedAttempt = max(step.lastFailedAttempt, event.attempt ?? 0)
                step.nextAttemptAt = event.detail?.deadline
                step.scheduledAt = step.scheduledAt ?? event.detail?.scheduledAt
            case .timerStarted:
                step.deadline = event.detail?.deadline
            case .signalWaitStarted:
                step.waitRecorded = true
                step.deadline = event.detail?.deadline
            case .sideEffect, .statusPublished:
                step.value = event.output
            default:
                break
            }
            if event.kind.isCompletion {
                step.completion = event
                completions.append(event)
            }
            steps[index] = step
        }
    }
}
