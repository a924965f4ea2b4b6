extension CircuitBreaker {
    /// When a circuit breaker trips, how long it stays open, and how it probes for recovery.
    ///
    /// ```swift
    /// var configuration = CircuitBreaker.Configuration()
    /// configuration.failureRateThreshold = 0.5
    /// configuration.window = .seconds(60)
    /// configuration.failureClassifier = .ignoring(ValidationError.self)
    /// ```
    public struct Configuration: Sendable {
        /// Trips after this many consecutive failures (default 5).
        public var consecutiveFailureThreshold: Int
        /// Trips when the window's failure rate reaches this fraction (default 0.5; `nil` disables).
        public var failureRateThreshold: Double?
        /// Trips when the window's slow-call rate reaches this fraction (default `nil`, disabled).
        public var slowCallRateThreshold: Double?
        /// Calls that take at least this long count as slow (default 5 s).
        public var slowCallDurationThreshold: Duration
        /// The calls over which rates are computed (default the last 100 calls).
        public var window: SlidingWindow.Kind
        /// Rates are computed only once the window holds this many calls (default 20).
        public var minimumNumberOfCalls: Int
        /// How long the breaker stays open before probing (default 60 s).
        public var openDuration: Duration
        /// When set, the open duration after the n-th consecutive trip is this backoff's
        /// `baseDelay(afterAttempt: n)` instead of ``openDuration``.
        public var openDurationBackoff: Backoff?
        /// Probe calls admitted in the half-open state (default 3).
        public var halfOpenPermittedCalls: Int
        /// Successful probes needed to close (default: all of ``halfOpenPermittedCalls``).
        public var halfOpenSuccessThreshold: Int?
        /// Opt-in adaptive lowering of the consecutive-failure threshold.
        public var adaptiveThreshold: AdaptiveThreshold.Configuration?
        /// Which errors count as failures.
        public var failureClassifier: FailureClassifier

        /// Creates a configuration with the defaults listed on each property.
        public init(
            consecutiveFailureThreshold: Int = 5,
            failureRateThreshold: Double? = 0.5,
            slowCallRateThreshold: Double? = nil,
            slowCallDurationThreshold: Duration = .seconds(5),
            window: SlidingWindow.Kind = .count(100),
            minimumNumberOfCalls: Int = 20,
            openDuration: Duration = .seconds(60),
            openDurationBackoff: Backoff? = nil,
            halfOpenPermittedCalls: Int = 3,
            halfOpenSuccessThreshold: Int? = nil,
            adaptiveThreshold: AdaptiveThreshold.Configuration? = nil,
            failureClassifier: FailureClassifier = .default
        ) {
            self.consecutiveFailureThreshold = consecutiveFailureThreshold
            self.failureRateThreshold = failureRateThreshold
            self.slowCallRateThreshold = slowCallRateThreshold
            self.slowCallDurationThreshold = slowCallDurationThreshold
            self.window = window
            self.minimumNumberOfCalls = minimumNumberOfCalls
            self.openDuration = openDuration
            self.openDurationBackoff = openDurationBackoff
            self.halfOpenPermittedCalls = halfOpenPermittedCalls
            self.halfOpenSuccessThreshold = halfOpenSuccessThreshold
            self.adaptiveThreshold = adaptiveThreshold
            self.failureClassifier = failureClassifier
        }

        /// Probe successes needed to close, within `1 ... halfOpenPermittedCalls`.
        var requiredProbeSuccesses: Int {
            let permitted = max(1, halfOpenPermittedCalls)
            return min(permitted, max(1, halfOpenSuccessThreshold ?? permitted))
        }

        /// How long to stay open after the `trip`-th consecutive trip (1-based).
        func openDuration(afterTrip trip: Int) -> Duration {
            guard let backoff = openDurationBackoff else { return openDuration }
            return backoff.baseDelay(afterAttempt: trip)
        }
    }
}
