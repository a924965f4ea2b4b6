import Synchronization

/// A queue with one consumer that takes everything available at once.
///
/// A consumer with nothing else to do waits with ``take(idle:)``; until a message wakes it,
/// others may act in its place through ``whileConsumerIdle(_:)``.
final class Mailbox<Message: Sendable>: Sendable {
    private struct State {
        var messages: [Message] = []
        var waiter: CheckedContinuation<[Message], Never>?
        /// The waiting consumer has nothing else to do (see ``take(idle:)``).
        var idle = false
    }
    private let state = Mutex(State())

    func post(_ message: Message) {
        let waiter = state.withLock { state -> CheckedContinuation<[Message], Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                state.idle = false
                return waiter
            }
            state.messages.append(message)
            return nil
        }
        waiter?.resume(returning: [message])
    }

    /// Posts `message` only to a consumer waiting idle: one that is busy sees for itself what
    /// the message would tell it, before it waits idle again.
    func postIfIdle(_ message: Message) {
        let waiter = state.withLock { state -> CheckedContinuation<[Message], Never>? in
            guard state.idle, let waiter = state.waiter else { return nil }
            state.waiter = nil
            state.idle = false
            return waiter
        }
        waiter?.resume(returning: [message])
    }

    /// Waits for at least one message and returns all that are queued. With `idle`, the
    /// consumer says it has nothing else to do until then.
    func take(idle: Bool = false) async -> [Message] {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> [Message]? in
                if !state.messages.isEmpty {
                    defer { state.messages.removeAll() }
                    return state.messages
                }
                state.waiter = continuation
                state.idle = idle
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Runs `body` if the consumer is waiting idle, and no message can wake it until `body`
    /// returns; false if it is not (or `body` declines). `body` must not post to this mailbox.
    func whileConsumerIdle(_ body: () -> Bool) -> Bool {
        state.withLock { state in
            state.idle && state.waiter != nil && body()
        }
    }
}
