import Synchronization

/// A circuit breaker's state machine behind its lock, in an allocation of its own.
///
/// Keeping the lock word and the machine's counters out of the ``CircuitBreaker`` object means
/// that the fields read on every call without locking (the packed state, the time source, the
/// metric handles) do not share a cache line with data that every call writes, so contending
/// threads do not bounce that line between cores on the lock-free fast path.
final class LockedStateMachine: Sendable {
    private let mutex: Mutex<CircuitBreakerStateMachine>

    init(_ machine: CircuitBreakerStateMachine) {
        mutex = Mutex(machine)
    }

    /// Runs `body` with exclusive access to the machine.
    func withLock<Result>(_ body: (inout CircuitBreakerStateMachine) throws -> Result) rethrows -> Result {
        try mutex.withLock { try body(&$0) }
    }
}
