/// Thrown when a rate limiter cannot grant tokens within the caller's timeout.
public struct RateLimitExceededError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The limiter's name.
    public var name: String
    /// The tokens asked for.
    public var tokens: Double
    /// The caller's timeout, if any.
    public var timeout: Duration?

    /// Creates the error.
    public init(name: String, tokens: Double, timeout: Duration?) {
        self.name = name
        self.tokens = tokens
        self.timeout = timeout
    }

    public var description: String {
        if let timeout {
            return "rate limiter '\(name)' cannot grant \(tokens) token(s) within \(timeout.seconds) s"
        }
        return "rate limiter '\(name)' cannot grant \(tokens) token(s): more than its burst, or its rate is 0"
    }
}
