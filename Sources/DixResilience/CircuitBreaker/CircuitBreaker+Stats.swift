extension CircuitBreaker {
    /// A snapshot of a breaker's state and counts.
    public struct Stats: Sendable, Hashable {
        /// The breaker's name.
        public var name: String
        /// The state at the time of the snapshot.
        public var state: State
        /// Lifetime counts of successes, failures, slow, rejected and ignored calls.
        public var counts: CircuitBreakerStateMachine.Counts
        /// Calls in the sliding window.
        public var windowCalls: Int
        /// Failure rate over the sliding window.
        public var failureRate: Double
        /// Slow-call rate over the sliding window.
        public var slowCallRate: Double
        /// Failures in a row (closed state).
        public var consecutiveFailures: Int
        /// The consecutive-failure threshold in force (lowered when the adaptive threshold is degraded).
        public var effectiveFailureThreshold: Int
        /// Moving average of call latency.
        public var averageLatency: Duration
        /// Moving standard deviation of call latency.
        public var latencyJitter: Duration
        /// Health score in `0 ... 1`.
        public var healthScore: Double
        /// When the breaker last opened, as time on its ``TimeSource``; nil if never.
        public var lastOpenedAt: Duration?
        /// How long ago the breaker last opened; nil if never.
        public var timeSinceLastOpened: Duration?
    }

    /// A snapshot of the breaker's state and counts.
    public var stats: Stats {
        let now = timeSource.now()
        let stats = machine.withLock { machine in
            let totals = machine.windowTotals(now: now)
            return Stats(
                name: name,
                state: machine.state,
                counts: machine.counts,
                windowCalls: totals.calls,
                failureRate: totals.failureRate,
                slowCallRate: totals.slowCallRate,
                consecutiveFailures: machine.consecutiveFailures,
                effectiveFailureThreshold: machine.effectiveConsecutiveFailureThreshold,
                averageLatency: machine.latency.average,
                latencyJitter: machine.latency.jitter,
                healthScore: machine.healthScore(now: now),
                lastOpenedAt: machine.lastOpenedAt.map { .nanoseconds($0) },
                timeSinceLastOpened: machine.lastOpenedAt.map { .nanoseconds(now >= $0 ? now - $0 : 0) })
        }
        metrics.scores(successRatio: stats.windowCalls == 0 ? 1 : 1 - stats.failureRate, health: stats.healthScore)
        return stats
    }
}
