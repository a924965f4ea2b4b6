import Dispatch
import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension URLSession {
    /// `data(for:)` whose cancellation cannot deadlock.
    ///
    /// FoundationNetworking's own `data(for:)` cancels the URLSessionTask inside the Swift task's
    /// cancellation handler, where the task's status lock is held; `URLSessionTask.cancel()`
    /// then waits for the session's queue, which may at that moment be resuming this very task
    /// (and waiting for the same lock). Both threads stop for good, and with them a cooperative
    /// pool of two threads. Here the cancellation handler only schedules `cancel()` elsewhere.
    func dataCancellingSafely(for request: URLRequest) async throws -> (Data, URLResponse) {
        let pending = PendingDataTask()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let task = dataTask(with: request) { data, response, error in
                    if let error {
                        continuation.resume(throwing: error)
                    } else if let data, let response {
                        continuation.resume(returning: (data, response))
                    } else {
                        continuation.resume(throwing: URLError(.badServerResponse))
                    }
                }
                pending.start(task)
            }
        } onCancel: {
            pending.cancel()
        }
    }
}

/// The data task of one request, and whether it was cancelled before it existed.
private final class PendingDataTask: Sendable {
    /// URLSessionTask is thread-safe (its state is guarded by the session's queue) but not
    /// declared Sendable by FoundationNetworking; it is only resumed and cancelled here.
    private struct Box: @unchecked Sendable {
        var task: URLSessionDataTask?
        var cancelled = false
    }
    private let state = Mutex(Box())
    private static let cancelQueue = DispatchQueue(label: "dixmgr.services.url-task-cancel")

    func start(_ task: URLSessionDataTask) {
        let cancelled = state.withLock { box in
            box.task = task
            return box.cancelled
        }
        task.resume()
        if cancelled { schedule(cancelling: task) }
    }

    func cancel() {
        let task = state.withLock { box in
            box.cancelled = true
            return box.task
        }
        if let task { schedule(cancelling: task) }
    }

    private func schedule(cancelling task: URLSessionDataTask) {
        let box = Box(task: task)
        Self.cancelQueue.async { box.task?.cancel() }
    }
}
