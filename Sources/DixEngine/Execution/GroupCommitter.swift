import Dispatch
import Foundation
import Synchronization

/// Batches the writes of all runs into shared transactions (group commit).
///
/// While one transaction is being committed, new writes queue up; the next transaction
/// takes all of them. A lone writer pays one commit per write; 200 concurrent runs share
/// their commits, so durability (`synchronous=FULL`) does not cost throughput.
/// Writes of one run are applied in submission order. Transactions run on the committer's own
/// serial queue, so a commit costs no hop through a task and back.
package final class GroupCommitter: Sendable {
    private struct Pending {
        let write: RunWrite
        let completion: (@Sendable (Result<WriteReceipt, Error>) -> Void)?
    }
    private struct State {
        var queue: [Pending] = []
        var flushing = false
    }
    private let state = Mutex(State())
    private let store: any WorkflowStore
    private let clock: any EngineClock
    private let maximumBatch: Int
    private let queue = DispatchQueue(label: "dixmgr.group-commit")

    package init(store: any WorkflowStore, clock: any EngineClock, maximumBatch: Int = 1024) {
        self.store = store
        self.clock = clock
        self.maximumBatch = maximumBatch
    }

    /// Commits `write` and returns when it is durable.
    package func commit(_ write: RunWrite) async throws -> WriteReceipt {
        try await withCheckedThrowingContinuation { continuation in
            submit(write) { continuation.resume(with: $0) }
        }
    }

    /// Queues `write` without waiting; `completion` hears the outcome.
    package func submit(_ write: RunWrite, completion: (@Sendable (Result<WriteReceipt, Error>) -> Void)? = nil) {
        let startFlush = state.withLock { state -> Bool in
            state.queue.append(Pending(write: write, completion: completion))
            if state.flushing { return false }
            state.flushing = true
            return true
        }
        if startFlush {
            queue.async { self.flushLoop() }
        }
    }

    private func flushLoop() {
        while true {
            let batch = state.withLock { state -> [Pending] in
                if state.queue.isEmpty {
                    state.flushing = false
                    return []
                }
                if state.queue.count <= maximumBatch {
                    defer { state.queue = [] }
                    return state.queue
                }
                let batch = Array(state.queue.prefix(maximumBatch))
                state.queue.removeFirst(maximumBatch)
                return batch
            }
            if batch.isEmpty { return }
            let results = store.commit(batch.map(\.write), now: clock.now())
            for (pending, result) in zip(batch, results) {
                pending.completion?(result)
            }
        }
    }
}
