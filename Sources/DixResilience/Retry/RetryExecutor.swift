/// Retries an operation in process: a maximum number of attempts, a retryable-error predicate,
/// a per-attempt timeout, backoff between attempts, and a server-given retry-after delay.
///
/// ```swift
/// let retry = RetryExecutor(maximumAttempts: 4, backoff: Backoff(initialInterval: .milliseconds(200)))
/// let status = try await retry.run { attempt in try await client.status() }
/// ```
///
/// Cancellation stops retrying at once (including during the wait between attempts). When the
/// attempts run out, the last error is rethrown as it is.
public struct RetryExecutor: Sendable {
    /// One retry about to happen, passed to the `onRetry` hook.
    public struct Retry: Sendable {
        /// The attempt that failed (1-based).
        public var attempt: Int
        /// The error it failed with.
        public var error: any Error
        /// The wait before the next attempt.
        public var delay: Duration
    }

    /// Attempts at most (default 5); 0 means unlimited.
    public var maximumAttempts: Int
    /// The delay between attempts.
    public var backoff: Backoff
    /// Whether an error is worth another attempt (default: any error but cancellation).
    public var isRetryable: @Sendable (any Error) -> Bool
    /// A time limit for each attempt, after which it fails with ``AttemptTimeoutError`` (retryable).
    public var attemptTimeout: Duration?
    /// The clock that waits between attempts and times attempts out.
    public var timeSource: TimeSource
    /// Called before each wait, e.g. to log.
    public var onRetry: (@Sendable (Retry) -> Void)?

    /// Creates an executor.
    public init(
        maximumAttempts: Int = 5,
        backoff: Backoff = Backoff(),
        attemptTimeout: Duration? = nil,
        timeSource: TimeSource = .monotonic,
        isRetryable: @escaping @Sendable (any Error) -> Bool = { _ in true },
        onRetry: (@Sendable (Retry) -> Void)? = nil
    ) {
        self.maximumAttempts = max(0, maximumAttempts)
        self.backoff = backoff
        self.attemptTimeout = attemptTimeout
        self.timeSource = timeSource
        self.isRetryable = isRetryable
        self.onRetry = onRetry
    }

    /// Runs `operation` (given the 1-based attempt number) until it succeeds, fails with a
    /// non-retryable error, or the attempts run out.
    public func run<T: Sendable>(_ operation: @escaping @Sendable (_ attempt: Int) async throws -> T) async throws -> T {
        var generator = SystemRandomNumberGenerator()
        var attempt = 1
        while true {
            try Task.checkCancellation()
            do {
                return try await runAttempt(attempt, operation)
            } catch {
                if error is CancellationError || Task.isCancelled { throw error }
                let exhausted = maximumAttempts != 0 && attempt >= maximumAttempts
                if exhausted || !(error is AttemptTimeoutError || isRetryable(error)) { throw error }
                let delay = (error as? any RetryAfterProviding)?.retryAfter
                    ?? backoff.delay(afterAttempt: attempt, using: &generator)
                onRetry?(Retry(attempt: attempt, error: error, delay: delay))
                try await timeSource.sleep(for: delay)
                attempt += 1
            }
        }
    }

    private func runAttempt<T: Sendable>(_ attempt: Int, _ operation: @escaping @Sendable (Int) async throws -> T) async throws -> T {
        guard let attemptTimeout else { return try await operation(attempt) }
        let timeSource = self.timeSource
        return try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await operation(attempt) }
            group.addTask {
                try await timeSource.sleep(for: attemptTimeout)
                throw AttemptTimeoutError(attempt: attempt, timeout: attemptTimeout)
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }
}
