/// An error that carries the server's own idea of when to retry (HTTP `Retry-After`, a gRPC
/// retry delay); ``RetryExecutor`` waits that long instead of the computed backoff.
public protocol RetryAfterProviding: Error {
    /// How long to wait before the next attempt, if the server said.
    var retryAfter: Duration? { get }
}
