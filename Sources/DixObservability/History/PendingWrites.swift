import Synchronization

/// The queue between callers recording history and the batch writer.
///
/// `append` is a lock, an array append and, when the queue was empty, one wake-up of the writer:
/// a health check never waits for SQLite. The writer takes everything queued at once and commits
/// it in one transaction, so the batch size follows the load.
final class PendingWrites: Sendable {
    private let queue = Mutex<[PendingWrite]>([])
    private let wakeups: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (wakeups, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func append(_ write: PendingWrite) {
        let wasEmpty = queue.withLock { queue in
            queue.append(write)
            return queue.count == 1
        }
        if wasEmpty { continuation.yield() }
    }

    /// Everything queued, in arrival order; the queue is left empty.
    func takeAll() -> [PendingWrite] {
        queue.withLock { queue in
            var taken: [PendingWrite] = []
            swap(&taken, &queue)
            return taken
        }
    }

    /// Puts back a batch whose commit failed, ahead of anything queued since.
    func requeue(_ batch: [PendingWrite]) {
        guard !batch.isEmpty else { return }
        queue.withLock { queue in queue.insert(contentsOf: batch, at: 0) }
        continuation.yield()
    }

    var count: Int { queue.withLock { $0.count } }

    /// The writer's wake-ups; the sequence ends after ``finish()``.
    var signals: AsyncStream<Void> { wakeups }

    func finish() { continuation.finish() }
}
