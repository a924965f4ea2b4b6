@testable import DixResilience

/// An error that counts as a failure.
struct ServiceError: Error, Equatable {}

/// Another error type, for classifier tests.
struct NotFoundError: Error, Equatable {}

/// An error carrying a server-given retry delay.
struct ThrottledError: Error, RetryAfterProviding {
    var retryAfter: Duration?
}

let millisecond: UInt64 = 1_000_000
let second: UInt64 = 1_000_000_000

extension CircuitBreakerStateMachine {
    /// Acquires a permit at `now` and records `outcome` for it, returning the state change.
    @discardableResult
    mutating func call(_ outcome: Outcome, duration: UInt64 = millisecond, at now: UInt64) -> CircuitBreaker.StateChange? {
        guard case .permitted(let generation, _) = acquirePermit(now: now) else {
            Issue.record("expected a permit in state \(state)")
            return nil
        }
        return record(outcome, duration: duration, generation: generation, now: now)
    }
}

import Testing

import Synchronization

/// A value shared between test tasks.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<Result>(_ body: (inout Value) -> Result) -> Result { mutex.withLock { body(&$0) } }
    var value: Value { mutex.withLock { $0 } }
}
