extension CircuitBreaker {
    /// What a breaker reports to metrics in one batch, taken from the state machine under its lock.
    struct Report {
        /// Successful calls under the slow-call threshold since the last report.
        var successes: Int
        /// Successful calls at or over the slow-call threshold since the last report.
        var slowSuccesses: Int
        /// One minus the failure rate over the sliding window (1 when empty).
        var successRatio: Double
        /// The health score.
        var healthScore: Double

        /// Takes the unreported counts from `machine`, starting a new batch.
        init(_ machine: inout CircuitBreakerStateMachine, now: UInt64) {
            let unreported = machine.takeUnreportedSuccesses(now: now)
            let totals = machine.windowTotals(now: now)
            successes = unreported.fast
            slowSuccesses = unreported.slow
            successRatio = totals.calls == 0 ? 1 : 1 - totals.failureRate
            healthScore = machine.healthScore(now: now)
        }
    }
}
