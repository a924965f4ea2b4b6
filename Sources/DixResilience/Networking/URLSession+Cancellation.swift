import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension URLSession {
    /// `data(for:)` that a cancelled Swift task leaves at once, without cancelling the request.
    ///
    /// FoundationNetworking cannot cancel a request safely:
    /// - its own `data(for:)` cancels the URLSessionTask inside the Swift task's cancellation
    ///   handler, where the task's status lock is held; `URLSessionTask.cancel()` then waits for
    ///   the session's queue, which may at that moment be resuming this very task (and waiting
    ///   for the same lock). Both threads stop for good, and with them a cooperative pool of two
    ///   threads.
    /// - `URLSessionTask.cancel()` called anywhere else races the request's completion: when the
    ///   request completes between the two halves of `cancel()`, the process traps ("Trying to
    ///   access a behaviour for a task that in not in the registry").
    ///
    /// So a cancelled caller gets `CancellationError` at once, and the request is abandoned: it
    /// runs to its end, which its `timeoutInterval` bounds, and its outcome is dropped.
    package func dataCancellingSafely(for request: URLRequest) async throws -> (Data, URLResponse) {
        let outcome = RequestOutcome()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                guard outcome.await(continuation) else { return }
                let task = dataTask(with: request) { data, response, error in
                    if let error {
                        outcome.resume(.failure(error))
                    } else if let data, let response {
                        outcome.resume(.success((data, response)))
                    } else {
                        outcome.resume(.failure(URLError(.badServerResponse)))
                    }
                }
                task.resume()
            }
        } onCancel: {
            outcome.resume(.failure(CancellationError()))
        }
    }
}

/// The one outcome of a request: the first of its answer and its caller's cancellation.
private final class RequestOutcome: Sendable {
    private struct State {
        var continuation: CheckedContinuation<(Data, URLResponse), Error>?
        var early: Result<(Data, URLResponse), Error>?
        var done = false
    }
    private let state = Mutex(State())

    /// Takes the caller's continuation; false if the caller was cancelled already (it is then
    /// resumed, and no request should start).
    func await(_ continuation: CheckedContinuation<(Data, URLResponse), Error>) -> Bool {
        let early = state.withLock { state -> Result<(Data, URLResponse), Error>? in
            if let early = state.early { return early }
            state.continuation = continuation
            return nil
        }
        guard let early else { return true }
        continuation.resume(with: early)
        return false
    }

    /// Resumes the caller with `result` unless it was resumed already.
    func resume(_ result: Result<(Data, URLResponse), Error>) {
        let continuation = state.withLock { state -> CheckedContinuation<(Data, URLResponse), Error>? in
            guard !state.done else { return nil }
            state.done = true
            guard let continuation = state.continuation else {
                // Cancelled before the continuation existed: `await` resumes it.
                state.early = result
                return nil
            }
            state.continuation = nil
            return continuation
        }
        continuation?.resume(with: result)
    }
}
