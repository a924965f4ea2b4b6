extension CircuitBreaker {
    /// Closes the breaker and forgets its recent history.
    public func reset() {
        change { $0.reset(now: $1) }
    }

    /// Holds the breaker open, rejecting every call, until ``forceClose(reason:)`` or ``reset()``.
    public func forceOpen(reason: String) {
        change { $0.forceOpen(reason: reason, now: $1) }
    }

    /// Closes the breaker, whatever its state.
    public func forceClose(reason: String) {
        change { $0.forceClose(reason: reason, now: $1) }
    }

    /// Lets every call through and records nothing, until ``forceClose(reason:)`` or ``reset()``.
    public func disable(reason: String) {
        change { $0.disable(reason: reason, now: $1) }
    }

    /// Lets every call through and counts it without ever tripping.
    public func enableMetricsOnly(reason: String) {
        change { $0.metricsOnly(reason: reason, now: $1) }
    }

    /// Applies a changed configuration to the live breaker, keeping its state.
    public func update(configuration: Configuration) {
        classifier.withLock { $0 = configuration.failureClassifier }
        machine.withLock { $0.apply(configuration) }
    }

    private func change(_ body: (inout CircuitBreakerStateMachine, UInt64) -> StateChange?) {
        let now = timeSource.now()
        let change = machine.withLock { machine in
            let change = body(&machine, now)
            if change != nil { publish(machine) }
            return change
        }
        if let change { announce(change) }
    }
}
