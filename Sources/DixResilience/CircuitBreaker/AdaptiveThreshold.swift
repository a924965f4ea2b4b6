/// Lowers a breaker's consecutive-failure threshold while the error rate is chronically high.
///
/// Every `sampleSize` calls the error rate of those calls is folded into an exponentially
/// weighted moving average and variance. The threshold is lowered only when the average stands
/// out from noise (`mean > sensitivity × standard deviation`): a steady 40 % error rate does, a
/// single burst of failures after a healthy period does not, because the burst inflates the
/// variance as much as the mean.
///
/// ```swift
/// var threshold = AdaptiveThreshold(configuration: .init())
/// threshold.record(failure: true)
/// let effective = threshold.effectiveThreshold(base: 5)
/// ```
public struct AdaptiveThreshold: Sendable, Hashable {
    /// Tuning of the adaptive threshold.
    public struct Configuration: Sendable, Hashable {
        /// The weight of the newest sample in the moving average, in `0 < alpha ≤ 1`.
        public var alpha: Double
        /// How many standard deviations the mean must exceed to count as chronic degradation.
        public var sensitivity: Double
        /// Calls per sample of the error rate.
        public var sampleSize: Int
        /// The threshold is never lowered below this.
        public var minimumThreshold: Int

        /// Creates a configuration; defaults: alpha 0.3, sensitivity 2, samples of 10 calls, minimum 2.
        public init(alpha: Double = 0.3, sensitivity: Double = 2, sampleSize: Int = 10, minimumThreshold: Int = 2) {
            self.alpha = min(max(alpha, 0.001), 1)
            self.sensitivity = max(0, sensitivity)
            self.sampleSize = max(1, sampleSize)
            self.minimumThreshold = max(1, minimumThreshold)
        }
    }

    /// The configuration in use.
    public var configuration: Configuration
    /// The moving average of the sampled error rate.
    public private(set) var mean: Double = 0
    /// The moving variance of the sampled error rate.
    public private(set) var variance: Double = 0
    private var sampleCalls = 0
    private var sampleFailures = 0
    private var samples = 0

    /// Creates an adaptive threshold with no history.
    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Folds one call into the current sample.
    public mutating func record(failure: Bool) {
        sampleCalls += 1
        if failure { sampleFailures += 1 }
        guard sampleCalls >= configuration.sampleSize else { return }
        let rate = Double(sampleFailures) / Double(sampleCalls)
        sampleCalls = 0
        sampleFailures = 0
        if samples == 0 {
            mean = rate
            variance = 0
        } else {
            let alpha = configuration.alpha
            let difference = rate - mean
            mean += alpha * difference
            variance = (1 - alpha) * (variance + alpha * difference * difference)
        }
        samples += 1
    }

    /// Whether the error rate is chronically elevated rather than spiking.
    public var isDegraded: Bool {
        samples >= 2 && mean > 0 && mean > configuration.sensitivity * variance.squareRoot()
    }

    /// The consecutive-failure threshold to apply instead of `base`.
    public func effectiveThreshold(base: Int) -> Int {
        guard isDegraded else { return base }
        let lowered = Int((Double(base) * (1 - mean)).rounded())
        return min(base, max(configuration.minimumThreshold, lowered))
    }
}
