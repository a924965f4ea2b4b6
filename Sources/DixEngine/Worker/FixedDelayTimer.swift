import DequeModule
import Synchronization

/// Runs each scheduled action once a fixed delay has passed, unless it was canceled first.
///
/// One task serves every action, and only while some are scheduled: scheduling and canceling
/// cost a lock each, where a task and a sleep per action (the `activityStarted` marker of
/// every activity attempt, almost always canceled) cost more than the rest of a fast step.
/// All actions share the delay, so they fall due in the order they were scheduled.
final class FixedDelayTimer: Sendable {
    /// Identifies a scheduled action, to cancel it.
    struct Token: Sendable, Hashable {
        fileprivate let id: UInt64
    }

    private struct Entry {
        let due: ContinuousClock.Instant
        let action: @Sendable () -> Void
    }

    private struct State {
        var nextID: UInt64 = 0
        var entries: [UInt64: Entry] = [:]
        /// IDs in the order scheduled (and due); canceled ones are skipped when reached.
        var order: Deque<UInt64> = []
        var running = false
    }

    let delay: Duration
    private let state = Mutex(State())

    init(delay: Duration) {
        self.delay = delay
    }

    /// Runs `action` after the delay, unless canceled before.
    func schedule(_ action: @escaping @Sendable () -> Void) -> Token {
        let due = ContinuousClock.now + delay
        let (token, start) = state.withLock { state -> (Token, Bool) in
            state.nextID += 1
            state.entries[state.nextID] = Entry(due: due, action: action)
            state.order.append(state.nextID)
            let start = !state.running
            state.running = true
            return (Token(id: state.nextID), start)
        }
        if start {
            Task { await self.serve() }
        }
        return token
    }

    /// Cancels the action unless it already ran.
    func cancel(_ token: Token) {
        state.withLock { _ = $0.entries.removeValue(forKey: token.id) }
    }

    private enum Next {
        case run([@Sendable () -> Void])
        case sleep(until: ContinuousClock.Instant)
        case stop
    }

    private func serve() async {
        while true {
            let now = ContinuousClock.now
            let next = state.withLock { state -> Next in
                var due: [@Sendable () -> Void] = []
                while let id = state.order.first {
                    guard let entry = state.entries[id] else {
                        state.order.removeFirst()
                        continue
                    }
                    if entry.due > now {
                        return due.isEmpty ? .sleep(until: entry.due) : .run(due)
                    }
                    state.order.removeFirst()
                    state.entries.removeValue(forKey: id)
                    due.append(entry.action)
                }
                if !due.isEmpty { return .run(due) }
                state.running = false
                return .stop
            }
            switch next {
            case .run(let actions):
                actions.forEach { $0() }
            case .sleep(let deadline):
                try? await Task.sleep(until: deadline, clock: .continuous)
            case .stop:
                return
            }
        }
    }
}
