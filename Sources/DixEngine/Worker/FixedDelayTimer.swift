import DequeModule
import Synchronization

/// Runs each scheduled action once a fixed delay has passed, unless it was canceled first.
///
/// One task serves every action, and only while some are scheduled: scheduling and canceling
/// cost a lock each, where a task and a sleep per action (the `activityStarted` marker of
/// every activity attempt, almost always canceled) cost more than the rest of a fast step.
/// All actions share the delay, so they fall due in the order they were scheduled: they wait in
/// a queue in that order, numbered one after another, and a cancel finds its entry by its number
/// (no hashing) and drops the action; the task skips such entries when it reaches them.
final class FixedDelayTimer: Sendable {
    /// Identifies a scheduled action, to cancel it.
    struct Token: Sendable {
        fileprivate let id: UInt64
    }

    private struct Entry {
        let due: ContinuousClock.Instant
        /// Nil once canceled or run.
        var action: (@Sendable () -> Void)?
    }

    private struct State {
        /// The ID of the first entry; the others follow in order.
        var firstID: UInt64 = 1
        var entries: Deque<Entry> = []
        var running = false
    }

    let delay: Duration
    private let state = Mutex(State())

    init(delay: Duration) {
        self.delay = delay
    }

    /// Runs `action` after the delay from `start` (now unless given), unless canceled before.
    func schedule(after start: ContinuousClock.Instant = .now, _ action: @escaping @Sendable () -> Void) -> Token {
        let due = start + delay
        let (token, startServing) = state.withLock { state -> (Token, Bool) in
            state.entries.append(Entry(due: due, action: action))
            defer { state.running = true }
            return (Token(id: state.firstID + UInt64(state.entries.count - 1)), !state.running)
        }
        if startServing {
            Task { await self.serve() }
        }
        return token
    }

    /// Cancels the action unless it already ran.
    func cancel(_ token: Token) {
        // Taken out under the lock, released outside it.
        let action = state.withLock { state -> (@Sendable () -> Void)? in
            guard token.id >= state.firstID, token.id - state.firstID < UInt64(state.entries.count) else { return nil }
            let index = Int(token.id - state.firstID)
            defer { state.entries[index].action = nil }
            return state.entries[index].action
        }
        _ = action
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
                while let entry = state.entries.first {
                    if let action = entry.action {
                        if entry.due > now {
                            return due.isEmpty ? .sleep(until: entry.due) : .run(due)
                        }
                        due.append(action)
                    }
                    state.entries.removeFirst()
                    state.firstID += 1
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
