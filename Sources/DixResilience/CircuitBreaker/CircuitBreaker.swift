import CoreMetrics
import Synchronization

/// A circuit breaker: stops calling a dependency that keeps failing, and probes it for recovery.
///
/// The decisions are made by a ``CircuitBreakerStateMachine`` guarded by a `Mutex`. In the
/// closed and metrics-only states the permit is granted from an atomic copy of the state
/// without locking, so the cost of wrapping a call is two clock reads, one short lock to record
/// the result, and two metric updates.
///
/// ```swift
/// let breaker = CircuitBreaker(name: "node-rpc")
/// do {
///     let height = try await breaker.call { try await client.blockHeight() }
/// } catch let error as CircuitBreakerOpenError {
///     print(error)   // circuit breaker 'node-rpc' is open; retry in 41.2 s
/// }
/// ```
public final class CircuitBreaker: Sendable {
    /// The breaker's name, also its metric label.
    public let name: String

    @usableFromInline
    let timeSource: TimeSource
    /// `generation << 8 | state.rawValue`, mirrored from the state machine after every change.
    @usableFromInline
    let packedState: Atomic<UInt64>
    @usableFromInline
    let machine: Mutex<CircuitBreakerStateMachine>
    /// Kept apart from the machine so that a classifier predicate never runs under the lock.
    let classifier: Mutex<FailureClassifier>
    let metrics: CircuitBreakerMetrics
    let onStateChange: (@Sendable (StateChange) -> Void)?

    /// Creates a closed breaker.
    ///
    /// - Parameters:
    ///   - name: identifies the breaker in errors, state changes and the `name` metric label.
    ///   - configuration: thresholds and durations.
    ///   - timeSource: the clock; tests pass `.manual(clock)`.
    ///   - metricsFactory: where metrics go (default: the bootstrapped swift-metrics backend).
    ///   - onStateChange: called after each state change, outside the breaker's lock.
    public init(
        name: String,
        configuration: Configuration = Configuration(),
        timeSource: TimeSource = .coarseMonotonic,
        metricsFactory: (any MetricsFactory)? = nil,
        onStateChange: (@Sendable (StateChange) -> Void)? = nil
    ) {
        self.name = name
        self.timeSource = timeSource
        self.machine = Mutex(CircuitBreakerStateMachine(name: name, configuration: configuration))
        self.packedState = Atomic(UInt64(State.closed.rawValue))
        self.classifier = Mutex(configuration.failureClassifier)
        self.metrics = CircuitBreakerMetrics(name: name, factory: metricsFactory)
        self.onStateChange = onStateChange
        metrics.state(.closed)
    }

    /// The current state.
    public var state: State {
        State(rawValue: UInt8(truncatingIfNeeded: packedState.load(ordering: .acquiring))) ?? .closed
    }

    /// The configuration in force.
    public var configuration: Configuration {
        machine.withLock { $0.configuration }
    }

    /// Runs `operation` if the breaker admits it and records how it ended.
    ///
    /// Throws ``CircuitBreakerOpenError`` without running `operation` when the breaker is open,
    /// forced open, or half-open with all probes in flight; otherwise rethrows what `operation` throws.
    @inlinable
    public func call<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ operation: () async throws -> T
    ) async throws -> T {
        let permit = try acquirePermit()
        let value: T
        do {
            value = try await operation()
        } catch {
            recordFailure(permit, error: error)
            throw error
        }
        recordSuccess(permit)
        return value
    }

    /// Asks for permission to run one call, for callers that cannot wrap the call in a closure.
    ///
    /// Every permit must be followed by ``recordSuccess(_:)``, ``recordFailure(_:error:)`` or
    /// ``recordIgnored(_:)``; a half-open breaker admits only as many probes as it has permits.
    @inlinable
    public func acquirePermit() throws(CircuitBreakerOpenError) -> Permit {
        let packed = packedState.load(ordering: .acquiring)
        let raw = UInt8(truncatingIfNeeded: packed)
        if raw == State.closed.rawValue || raw == State.metricsOnly.rawValue {
            return Permit(generation: packed >> 8, start: timeSource.now(), isPassThrough: false)
        }
        if raw == State.disabled.rawValue {
            return Permit(generation: 0, start: 0, isPassThrough: true)
        }
        return try acquirePermitFromMachine()
    }

    /// Records that the call admitted by `permit` succeeded.
    @inlinable
    public func recordSuccess(_ permit: Permit) {
        guard !permit.isPassThrough else { return }
        record(permit, outcome: .success, end: timeSource.now(), error: nil)
    }

    /// Records that the call admitted by `permit` threw `error`; whether it counts as a failure
    /// is up to the configured ``FailureClassifier`` (cancellation never does).
    public func recordFailure(_ permit: Permit, error: any Error) {
        guard !permit.isPassThrough else { return }
        let end = timeSource.now()
        let counts = classifier.withLock { $0 }.counts(error)
        record(permit, outcome: counts ? .failure : .ignored, end: end, error: counts ? error : nil)
    }

    /// Records that the call admitted by `permit` ended in a way that must not count.
    public func recordIgnored(_ permit: Permit) {
        guard !permit.isPassThrough else { return }
        record(permit, outcome: .ignored, end: timeSource.now(), error: nil)
    }

    @usableFromInline
    func acquirePermitFromMachine() throws(CircuitBreakerOpenError) -> Permit {
        let now = timeSource.now()
        let decision = machine.withLock { machine in
            let decision = machine.acquirePermit(now: now)
            if case .permitted(_, .some) = decision { publish(machine) }
            return decision
        }
        switch decision {
        case .permitted(let generation, let change):
            if let change { announce(change) }
            return Permit(generation: generation, start: now, isPassThrough: state == .disabled)
        case .rejected(let state, let retryAfter):
            metrics.rejected.increment()
            throw CircuitBreakerOpenError(name: name, state: state, retryAfter: retryAfter)
        }
    }

    @usableFromInline
    func record(_ permit: Permit, outcome: CircuitBreakerStateMachine.Outcome, end: UInt64, error: (any Error)?) {
        let duration = end >= permit.start ? end - permit.start : 0
        let (change, slow, gauges) = machine.withLock { machine in
            let before = machine.counts
            let change = machine.record(outcome, duration: duration, generation: permit.generation, now: end)
            if change != nil { publish(machine) }
            let after = machine.counts
            let slow = after.slowCalls != before.slowCalls
            let recorded = after.successes &+ after.failures
            var gauges: (Double, Double)?
            if change != nil || recorded & 63 == 1 {
                let totals = machine.window.totals
                gauges = (totals.calls == 0 ? 1 : 1 - totals.failureRate, machine.healthScore(now: end))
            }
            return (change, slow, gauges)
        }
        switch outcome {
        case .success: (slow ? metrics.slow : metrics.success).increment()
        case .failure: metrics.failure(error)
        case .ignored: metrics.ignored.increment()
        }
        if outcome != .ignored { metrics.duration.recordNanoseconds(Int64(truncatingIfNeeded: duration)) }
        if let (ratio, health) = gauges { metrics.scores(successRatio: ratio, health: health) }
        if let change { announce(change) }
    }

    /// Mirrors the machine's state into the atomic read by the fast path; call under the lock.
    func publish(_ machine: borrowing CircuitBreakerStateMachine) {
        packedState.store(machine.generation << 8 | UInt64(machine.state.rawValue), ordering: .releasing)
    }

    /// Reports a state change to metrics and the callback; call outside the lock.
    func announce(_ change: StateChange) {
        metrics.transition(change)
        onStateChange?(change)
    }
}
