import Dispatch
import Foundation
import Synchronization

/// Batches the writes of all runs into shared transactions (group commit).
///
/// While one transaction is being committed, new writes queue up; the next transaction
/// takes all of them. A lone writer pays one commit per write; 200 concurrent runs share
/// their commits, so durability (`synchronous=FULL`) does not cost throughput.
/// Writes of one run are applied in submission order. Once one of them fails, its later writes
/// under the same lease are refused, in the same batch (see ``WorkflowStore/commit(_:now:)``)
/// and in later ones: what is stored of a run is always a prefix of what it wrote, never a
/// history with a hole (a side effect missing before the step that used it). The run is then
/// driven again from what was stored, under a new lease. Transactions run on the committer's
/// own serial queue, so a commit costs no hop through a task and back.
package final class GroupCommitter: Sendable {
    private struct Pending {
        let write: RunWrite
        let completion: (@Sendable (Result<WriteReceipt, Error>) -> Void)?
    }
    private struct State {
        var queue: [Pending] = []
        var flushing = false
        /// Runs with a failed write: the lease token it was made under.
        var failedLeases: [String: Int64] = [:]
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

    /// Commits `write` and returns when it is durable (see ``submit(_:inline:completion:)``
    /// for `inline`).
    package func commit(_ write: RunWrite, inline: Bool = false) async throws -> WriteReceipt {
        try await withCheckedThrowingContinuation { continuation in
            submit(write, inline: inline) { continuation.resume(with: $0) }
        }
    }

    /// Queues `write` without waiting; `completion` hears the outcome.
    ///
    /// With `inline`, a caller that is about to wait for the outcome anyway commits the batch
    /// itself when no commit is under way, instead of waking the committer's thread and being
    /// woken back: a lone writer (one run stepping) saves two thread hops per commit. Only one
    /// batch is committed so: writes that came meanwhile go to the committer's queue, so no
    /// caller is held up by others' writes for long.
    package func submit(
        _ write: RunWrite, inline: Bool = false, completion: (@Sendable (Result<WriteReceipt, Error>) -> Void)? = nil
    ) {
        if enqueue(write, completion: completion) { flush(inline: inline) }
    }

    /// Queues `write`; true when no commit is under way, and the caller must then call
    /// ``flush(inline:)`` (after leaving whatever lock ordered the write against others).
    func enqueue(_ write: RunWrite, completion: (@Sendable (Result<WriteReceipt, Error>) -> Void)?) -> Bool {
        state.withLock { state -> Bool in
            state.queue.append(Pending(write: write, completion: completion))
            if state.flushing { return false }
            state.flushing = true
            return true
        }
    }

    /// Takes the committer for `write` alone if no commit is under way or queued (and the run's
    /// writes are not refused): the caller then commits it with ``commitAlone(_:now:)`` on its own
    /// thread, outside whatever lock ordered the write against others. Writes queued meanwhile
    /// wait for it, as for any commit under way.
    func claimAlone(_ write: RunWrite) -> Bool {
        state.withLock { state in
            guard !state.flushing, state.queue.isEmpty,
                state.failedLeases.isEmpty || state.failedLeases[write.runID] != write.leaseToken
            else { return false }
            state.flushing = true
            return true
        }
    }

    /// Commits `write` after ``claimAlone(_:)`` (`now` is the time its caller just read), then
    /// leaves what queued meanwhile to the committer's queue: a lone run stepping commits with no
    /// queue, closure or batch arrays.
    func commitAlone(_ write: RunWrite, now: Date) -> Result<WriteReceipt, Error> {
        let result = store.commit(write, now: now)
        // As in ``flushBatch()``: a failed write refuses the run's later ones under its lease.
        let failed =
            if case .failure(let error) = result { write.create == nil && (error as? EngineError)?.code != .leaseLost } else { false }
        let more = state.withLock { state -> Bool in
            if failed { state.failedLeases[write.runID] = write.leaseToken }
            if state.queue.isEmpty {
                state.flushing = false
                return false
            }
            return true
        }
        if more { queue.async { self.flushLoop() } }
        return result
    }

    /// Commits what is queued, after ``enqueue(_:completion:)`` returned true.
    func flush(inline: Bool) {
        if inline {
            if flushBatch() { queue.async { self.flushLoop() } }
        } else {
            queue.async { self.flushLoop() }
        }
    }

    private func flushLoop() {
        while flushBatch() {}
    }

    /// Commits the queued writes (up to the maximum batch); false once the queue is empty, as
    /// it marks the committer idle.
    private func flushBatch() -> Bool {
        // The writes to commit, and those refused because their run's lease had a failed write.
        let taken = state.withLock { state -> (batch: [Pending], refused: [Pending])? in
            if state.queue.isEmpty {
                state.flushing = false
                return nil
            }
            var batch: [Pending]
            if state.queue.count <= maximumBatch {
                batch = state.queue
                state.queue = []
            } else {
                batch = Array(state.queue.prefix(maximumBatch))
                state.queue.removeFirst(maximumBatch)
            }
            if state.failedLeases.isEmpty { return (batch, []) }
            var refused: [Pending] = []
            batch.removeAll { pending in
                guard let token = state.failedLeases[pending.write.runID] else { return false }
                if token == pending.write.leaseToken {
                    refused.append(pending)
                    return true
                }
                // Under a new lease the run starts again from what was stored.
                state.failedLeases[pending.write.runID] = nil
                return false
            }
            return (batch, refused)
        }
        guard let (batch, refused) = taken else { return false }
        for pending in refused {
            pending.completion?(.failure(pending.write.refusedAfterFailure))
        }
        if !batch.isEmpty {
            let results = store.commit(batch.map(\.write), now: clock.now())
            // A failed write that would have created its run leaves nothing to protect; one under
            // a lost lease needs no memory here, as the fence refuses the lease's later writes.
            // (By index: writes are large, and this runs for every commit.)
            var failed: [(runID: String, leaseToken: Int64)] = []
            for index in results.indices {
                guard case .failure(let error) = results[index], batch[index].write.create == nil,
                    (error as? EngineError)?.code != .leaseLost
                else { continue }
                failed.append((batch[index].write.runID, batch[index].write.leaseToken))
            }
            if !failed.isEmpty {
                state.withLock { state in
                    for write in failed { state.failedLeases[write.runID] = write.leaseToken }
                }
            }
            for index in batch.indices {
                batch[index].completion?(results[index])
            }
        }
        // More came meanwhile: the committer's queue takes them.
        return state.withLock { state in
            if state.queue.isEmpty {
                state.flushing = false
                return false
            }
            return true
        }
    }
}
