/// The moving average of call latency and its jitter (the moving standard deviation).
public struct LatencyStatistics: Sendable, Hashable {
    /// The weight of the newest call, in `0 < alpha ≤ 1`.
    public var alpha: Double
    private var meanNanoseconds: Double = 0
    private var varianceNanoseconds: Double = 0
    private var count = 0

    /// Creates statistics with no history; `alpha` defaults to 0.1.
    public init(alpha: Double = 0.1) {
        self.alpha = alpha
    }

    /// Folds one call's duration in.
    @inlinable
    public mutating func record(nanoseconds: UInt64) {
        _record(Double(nanoseconds))
    }

    @usableFromInline
    mutating func _record(_ value: Double) {
        if count == 0 {
            meanNanoseconds = value
        } else {
            let difference = value - meanNanoseconds
            meanNanoseconds += alpha * difference
            varianceNanoseconds = (1 - alpha) * (varianceNanoseconds + alpha * difference * difference)
        }
        count &+= 1
    }

    /// The moving average of the latency.
    public var average: Duration { .nanoseconds(UInt64(max(0, meanNanoseconds))) }
    /// The moving standard deviation of the latency.
    public var jitter: Duration { .nanoseconds(UInt64(max(0, varianceNanoseconds).squareRoot())) }
    /// Whether any call has been recorded.
    public var isEmpty: Bool { count == 0 }
}
