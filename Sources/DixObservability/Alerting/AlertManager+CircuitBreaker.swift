import DixResilience
import Foundation

extension AlertManager {
    /// Raises a `circuit_open` alert when a breaker opens (or is forced open) and resolves it when
    /// the breaker leaves those states; feed it the breaker's `onStateChange`.
    ///
    /// `onStateChange` is synchronous, so pass changes through a stream to keep their order
    /// (a `Task` per change may run them out of order):
    ///
    /// ```swift
    /// let (changes, continuation) = AsyncStream.makeStream(of: CircuitBreaker.StateChange.self)
    /// let breaker = CircuitBreaker(name: "geth-rpc", onStateChange: { continuation.yield($0) })
    /// for await change in changes { await alerts.circuitBreakerChanged(change, service: "geth") }
    /// ```
    public func circuitBreakerChanged(_ change: CircuitBreaker.StateChange, service: String, at time: Date = Date()) {
        let alert = Alert(
            type: .circuitOpen, severity: .warning, service: service,
            message: "circuit breaker \(change.name) of \(service) is \(change.to): \(change.reason)",
            labels: ["breaker": change.name], startsAt: time)
        switch change.to {
        case .open, .forcedOpen:
            fire(alert)
        default:
            resolve(fingerprint: alert.fingerprint, at: time)
        }
    }
}
