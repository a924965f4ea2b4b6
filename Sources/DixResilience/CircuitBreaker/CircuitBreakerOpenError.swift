/// Thrown instead of running a call that the circuit breaker does not admit.
///
/// ```swift
/// catch let error as CircuitBreakerOpenError {
///     logger.warning("\(error)")   // circuit breaker 'node-rpc' is open; retry in 41.2 s
/// }
/// ```
public struct CircuitBreakerOpenError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The breaker's name.
    public var name: String
    /// The state that rejected the call: open, half-open (all probes in flight) or forced-open.
    public var state: CircuitBreaker.State
    /// How long until the breaker will admit a probe, when known.
    public var retryAfter: Duration?

    /// Creates the error.
    public init(name: String, state: CircuitBreaker.State, retryAfter: Duration?) {
        self.name = name
        self.state = state
        self.retryAfter = retryAfter
    }

    public var description: String {
        switch state {
        case .halfOpen:
            return "circuit breaker '\(name)' is half-open and all probe calls are in flight; retry shortly"
        case .forcedOpen:
            return "circuit breaker '\(name)' is forced open by an operator; close it with forceClose(reason:)"
        default:
            let wait = retryAfter.map { "\(($0.seconds * 10).rounded(.up) / 10) s" } ?? "a moment"
            return "circuit breaker '\(name)' is \(state); retry in \(wait)"
        }
    }
}
