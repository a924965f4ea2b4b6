/// The pure state machine of a circuit breaker: events in, new state and transitions out.
///
/// Time is passed in as nanoseconds on the breaker's ``TimeSource``. Every state change bumps
/// ``generation``; a permit carries the generation it was issued in, and a result recorded with
/// an older generation is ignored, so a call that started before a state change does not count
/// against the new state.
///
/// ```swift
/// var machine = CircuitBreakerStateMachine(name: "rpc", configuration: .init())
/// if case .permitted(let generation, _) = machine.acquirePermit(now: now) {
///     let change = machine.record(.failure, duration: 1_000, generation: generation, now: now)
/// }
/// ```
public struct CircuitBreakerStateMachine: Sendable {
    /// How a call ended, as far as the breaker is concerned.
    public enum Outcome: Sendable, Hashable {
        /// The call succeeded.
        case success
        /// The call failed with an error that counts.
        case failure
        /// The call ended in a way that does not count (cancellation, an ignored error type).
        case ignored
    }

    /// The answer to a request for a permit.
    public enum PermitDecision: Sendable, Hashable {
        /// The call may proceed; record its result with this generation. A transition (open to
        /// half-open) may have happened on the way.
        case permitted(generation: UInt64, transition: CircuitBreaker.StateChange?)
        /// The call must not run; `retryAfter` is the time left open, if known.
        case rejected(state: CircuitBreaker.State, retryAfter: Duration?)
    }

    /// Lifetime counts of calls.
    public struct Counts: Sendable, Hashable {
        /// Calls that succeeded.
        public var successes: UInt64 = 0
        /// Calls that failed.
        public var failures: UInt64 = 0
        /// Calls (successful or not) slower than the slow-call threshold.
        public var slowCalls: UInt64 = 0
        /// Calls rejected without running.
        public var rejected: UInt64 = 0
        /// Calls whose outcome did not count (ignored errors, cancellation, stale results).
        public var ignored: UInt64 = 0
    }

    /// The breaker's name, used in state changes.
    public let name: String
    /// The configuration in force.
    public private(set) var configuration: CircuitBreaker.Configuration
    /// The current state.
    public private(set) var state: CircuitBreaker.State = .closed
    /// Incremented on every state change.
    public private(set) var generation: UInt64 = 0
    /// Lifetime counts.
    public private(set) var counts = Counts()
    /// The recent calls.
    public private(set) var window: SlidingWindow
    /// Failures in a row since the last success, in the closed state.
    public private(set) var consecutiveFailures = 0
    /// Trips in a row without a successful recovery.
    public private(set) var consecutiveTrips = 0
    /// When the breaker last opened (automatically or forced), in nanoseconds.
    public private(set) var lastOpenedAt: UInt64?
    /// Latency average and jitter.
    public private(set) var latency = LatencyStatistics()
    /// The adaptive threshold, when enabled.
    public private(set) var adaptiveThreshold: AdaptiveThreshold?

    private var openUntil: UInt64 = 0
    private var probesIssued = 0
    private var probeSuccesses = 0
    private var slowCallNanoseconds: UInt64

    /// Creates a closed breaker.
    public init(name: String, configuration: CircuitBreaker.Configuration) {
        self.name = name
        self.configuration = configuration
        self.window = SlidingWindow(configuration.window)
        self.slowCallNanoseconds = configuration.slowCallDurationThreshold.clampedNanoseconds
        self.adaptiveThreshold = configuration.adaptiveThreshold.map { AdaptiveThreshold(configuration: $0) }
    }

    /// The consecutive-failure threshold in force, lowered by the adaptive threshold if enabled.
    public var effectiveConsecutiveFailureThreshold: Int {
        let base = max(1, configuration.consecutiveFailureThreshold)
        return adaptiveThreshold?.effectiveThreshold(base: base) ?? base
    }

    /// Asks to run one call at `now`.
    public mutating func acquirePermit(now: UInt64) -> PermitDecision {
        switch state {
        case .closed, .metricsOnly, .disabled:
            return .permitted(generation: generation, transition: nil)
        case .open:
            guard now >= openUntil else {
                counts.rejected += 1
                return .rejected(state: .open, retryAfter: .nanoseconds(openUntil - now))
            }
            let change = transition(to: .halfOpen, reason: "open duration elapsed", now: now)
            probesIssued = 1
            return .permitted(generation: generation, transition: change)
        case .halfOpen:
            guard probesIssued < max(1, configuration.halfOpenPermittedCalls) else {
                counts.rejected += 1
                return .rejected(state: .halfOpen, retryAfter: nil)
            }
            probesIssued += 1
            return .permitted(generation: generation, transition: nil)
        case .forcedOpen:
            counts.rejected += 1
            return .rejected(state: .forcedOpen, retryAfter: nil)
        }
    }

    /// Records the result of a call admitted in `generation`, which took `duration` nanoseconds
    /// and ended at `now`; returns the state change it caused, if any.
    public mutating func record(
        _ outcome: Outcome, duration: UInt64, generation permitGeneration: UInt64, now: UInt64
    ) -> CircuitBreaker.StateChange? {
        if state == .disabled { return nil }
        guard permitGeneration == generation else {
            counts.ignored += 1
            return nil
        }
        if outcome == .ignored {
            counts.ignored += 1
            if state == .halfOpen { probesIssued = max(0, probesIssued - 1) }
            return nil
        }
        let failure = outcome == .failure
        let slow = duration >= slowCallNanoseconds
        if failure { counts.failures += 1 } else { counts.successes += 1 }
        if slow { counts.slowCalls += 1 }
        latency.record(nanoseconds: duration)
        window.record(failure: failure, slow: slow, now: now)
        adaptiveThreshold?.record(failure: failure)

        switch state {
        case .closed:
            if failure { consecutiveFailures += 1 } else { consecutiveFailures = 0 }
            return evaluateTrip(failure: failure, slow: slow, now: now)
        case .halfOpen:
            if failure {
                return trip(reason: "probe call failed in half-open state", now: now)
            }
            probeSuccesses += 1
            if probeSuccesses >= configuration.requiredProbeSuccesses {
                consecutiveTrips = 0
                return transition(to: .closed, reason: "\(probeSuccesses) probe calls succeeded", now: now)
            }
            return nil
        case .open, .forcedOpen, .disabled, .metricsOnly:
            return nil
        }
    }

    /// Counts a call rejected outside the machine (by the wrapper's fast path).
    public mutating func recordRejection() {
        counts.rejected += 1
    }

    private mutating func evaluateTrip(failure: Bool, slow: Bool, now: UInt64) -> CircuitBreaker.StateChange? {
        if failure {
            let threshold = effectiveConsecutiveFailureThreshold
            if consecutiveFailures >= threshold {
                let adaptive = threshold < max(1, configuration.consecutiveFailureThreshold) ? " (adaptive threshold)" : ""
                return trip(reason: "\(consecutiveFailures) consecutive failures\(adaptive)", now: now)
            }
        }
        guard failure || slow else { return nil }
        let totals = window.totals(at: now)
        guard totals.calls >= max(1, configuration.minimumNumberOfCalls) else { return nil }
        if failure, let threshold = configuration.failureRateThreshold, totals.failureRate >= threshold {
            return trip(reason: "failure rate \(percent(totals.failureRate)) over \(totals.calls) calls reached \(percent(threshold))", now: now)
        }
        if slow, let threshold = configuration.slowCallRateThreshold, totals.slowCallRate >= threshold {
            return trip(reason: "slow-call rate \(percent(totals.slowCallRate)) over \(totals.calls) calls reached \(percent(threshold))", now: now)
        }
        return nil
    }

    private mutating func trip(reason: String, now: UInt64) -> CircuitBreaker.StateChange? {
        consecutiveTrips += 1
        let wait = configuration.openDuration(afterTrip: consecutiveTrips).clampedNanoseconds
        openUntil = now.addingReportingOverflow(wait).overflow ? .max : now + wait
        return transition(to: .open, reason: reason, now: now)
    }

    private func percent(_ value: Double) -> String {
        "\(Int((value * 100).rounded()))%"
    }

    /// Moves to `target`, resetting the per-state bookkeeping; returns the change, or nil if
    /// already there.
    private mutating func transition(to target: CircuitBreaker.State, reason: String, now: UInt64) -> CircuitBreaker.StateChange? {
        guard target != state else { return nil }
        let change = CircuitBreaker.StateChange(name: name, from: state, to: target, reason: reason)
        state = target
        generation &+= 1
        probesIssued = 0
        probeSuccesses = 0
        switch target {
        case .open, .forcedOpen:
            lastOpenedAt = now
            consecutiveFailures = 0
        case .closed:
            consecutiveFailures = 0
            window.removeAll()
        case .halfOpen, .disabled, .metricsOnly:
            break
        }
        return change
    }
}

extension CircuitBreakerStateMachine {
    /// Closes the breaker and forgets its recent history and trip count (lifetime counts stay).
    public mutating func reset(now: UInt64) -> CircuitBreaker.StateChange? {
        consecutiveTrips = 0
        window.removeAll()
        consecutiveFailures = 0
        adaptiveThreshold = configuration.adaptiveThreshold.map { AdaptiveThreshold(configuration: $0) }
        return transition(to: .closed, reason: "reset", now: now)
    }

    /// Holds the breaker open until an operator closes it.
    public mutating func forceOpen(reason: String, now: UInt64) -> CircuitBreaker.StateChange? {
        transition(to: .forcedOpen, reason: "forced open: \(reason)", now: now)
    }

    /// Closes the breaker, whatever its state.
    public mutating func forceClose(reason: String, now: UInt64) -> CircuitBreaker.StateChange? {
        consecutiveTrips = 0
        return transition(to: .closed, reason: "forced closed: \(reason)", now: now)
    }

    /// Lets every call through and records nothing.
    public mutating func disable(reason: String, now: UInt64) -> CircuitBreaker.StateChange? {
        transition(to: .disabled, reason: "disabled: \(reason)", now: now)
    }

    /// Lets every call through and counts it, never tripping.
    public mutating func metricsOnly(reason: String, now: UInt64) -> CircuitBreaker.StateChange? {
        transition(to: .metricsOnly, reason: "metrics only: \(reason)", now: now)
    }

    /// Applies a changed configuration, keeping state and history where they still fit.
    public mutating func apply(_ newConfiguration: CircuitBreaker.Configuration) {
        if newConfiguration.window != configuration.window {
            window = SlidingWindow(newConfiguration.window)
        }
        if newConfiguration.adaptiveThreshold != configuration.adaptiveThreshold {
            adaptiveThreshold = newConfiguration.adaptiveThreshold.map { AdaptiveThreshold(configuration: $0) }
        }
        slowCallNanoseconds = newConfiguration.slowCallDurationThreshold.clampedNanoseconds
        configuration = newConfiguration
    }

    /// The sliding window's totals as of `now`.
    public mutating func windowTotals(now: UInt64) -> SlidingWindow.Totals {
        window.totals(at: now)
    }

    /// The health score now: success rate over the window, latency average and jitter.
    public mutating func healthScore(now: UInt64) -> Double {
        let totals = window.totals(at: now)
        let successRate = totals.calls == 0 ? 1 : 1 - totals.failureRate
        return HealthScore.score(successRate: successRate, latency: latency.average, jitter: latency.jitter)
    }
}
