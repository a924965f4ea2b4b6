/// Thrown when one attempt of a ``RetryExecutor`` exceeds its per-attempt timeout; retryable.
public struct AttemptTimeoutError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The attempt that timed out (1-based).
    public var attempt: Int
    /// The per-attempt timeout.
    public var timeout: Duration

    /// Creates the error.
    public init(attempt: Int, timeout: Duration) {
        self.attempt = attempt
        self.timeout = timeout
    }

    public var description: String {
        "attempt \(attempt) did not finish within its timeout of \(timeout.seconds) s"
    }
}
