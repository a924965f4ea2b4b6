import Synchronization

/// A queue with one consumer that takes everything available at once.
final class Mailbox<Message: Sendable>: Sendable {
    private struct State {
        var messages: [Message] = []
        var waiter: CheckedContinuation<[Message], Never>?
    }
    private let state = Mutex(State())

    func post(_ message: Message) {
        let waiter = state.withLock { state -> CheckedContinuation<[Message], Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.messages.append(message)
            return nil
        }
        waiter?.resume(returning: [message])
    }

    /// Waits for at least one message and returns all that are queued.
    func take() async -> [Message] {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> [Message]? in
                if !state.messages.isEmpty {
                    defer { state.messages.removeAll() }
                    return state.messages
                }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
