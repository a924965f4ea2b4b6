import DequeModule
import Synchronization

/// At most `limit` holders at once; the rest wait in FIFO order.
final class ConcurrencyLimit: Sendable {
    private struct State {
        var available: Int
        var waiters: Deque<(id: UInt64, continuation: CheckedContinuation<Void, Error>)> = []
        var nextID: UInt64 = 0
    }
    private let state: Mutex<State>

    init(limit: Int) {
        state = Mutex(State(available: max(1, limit)))
    }

    func acquire() async throws {
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
                let granted = state.withLock { state -> Bool in
                    if state.available > 0 {
                        state.available -= 1
                        return true
                    }
                    state.waiters.append((id, continuation))
                    return false
                }
                if granted { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Error>? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index).continuation
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Error>? in
            if let waiter = state.waiters.popFirst() { return waiter.continuation }
            state.available += 1
            return nil
        }
        next?.resume()
    }
}
