/// Moves a rate between a minimum and a maximum to hold a target latency (additive increase,
/// multiplicative decrease on a moving average of observed latency).
///
/// ```swift
/// var controller = AdaptiveRateController(minimumRate: 1, maximumRate: 100, targetLatency: .milliseconds(200))
/// let newRate = controller.record(latency: .milliseconds(350))   // lower than before
/// ```
public struct AdaptiveRateController: Sendable, Hashable {
    /// The lowest rate.
    public var minimumRate: Double
    /// The highest rate.
    public var maximumRate: Double
    /// The latency to hold.
    public var targetLatency: Duration
    /// The rate is multiplied by this when latency is above target (default 0.8).
    public var decreaseFactor: Double
    /// The rate grows by this fraction of `maximumRate - minimumRate` when below target (default 0.05).
    public var increaseFraction: Double
    /// The weight of the newest latency in the moving average (default 0.2).
    public var alpha: Double
    /// The current rate.
    public private(set) var rate: Double
    /// The moving average of observed latency, in seconds.
    public private(set) var averageLatency: Double?

    /// Creates a controller starting at `initialRate` (default: the maximum).
    public init(
        minimumRate: Double, maximumRate: Double, targetLatency: Duration,
        initialRate: Double? = nil, decreaseFactor: Double = 0.8, increaseFraction: Double = 0.05, alpha: Double = 0.2
    ) {
        let low = max(0, min(minimumRate, maximumRate))
        let high = max(low, maximumRate)
        self.minimumRate = low
        self.maximumRate = high
        self.targetLatency = targetLatency
        self.decreaseFactor = min(max(decreaseFactor, 0), 1)
        self.increaseFraction = max(0, increaseFraction)
        self.alpha = min(max(alpha, 0.001), 1)
        self.rate = min(high, max(low, initialRate ?? high))
    }

    /// Folds one observed latency in and returns the new rate.
    public mutating func record(latency: Duration) -> Double {
        let sample = latency.seconds
        let average = averageLatency.map { $0 + alpha * (sample - $0) } ?? sample
        averageLatency = average
        if average > targetLatency.seconds {
            rate = max(minimumRate, rate * decreaseFactor)
        } else {
            rate = min(maximumRate, rate + increaseFraction * (maximumRate - minimumRate))
        }
        return rate
    }
}
