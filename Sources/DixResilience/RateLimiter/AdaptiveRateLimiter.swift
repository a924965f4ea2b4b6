import CoreMetrics
import Synchronization

/// A token bucket whose rate follows observed latency, between a minimum and a maximum.
///
/// ```swift
/// let limiter = AdaptiveRateLimiter(name: "rpc", minimumRate: 5, maximumRate: 200, targetLatency: .milliseconds(250))
/// guard limiter.allow() else { throw Busy() }
/// let start = ContinuousClock.now
/// defer { limiter.record(latency: .now - start) }
/// ```
public final class AdaptiveRateLimiter: Sendable {
    /// The underlying bucket, whose rate this limiter adjusts.
    public let bucket: TokenBucket
    private let controller: Mutex<AdaptiveRateController>

    /// Creates a limiter starting at the maximum rate; the burst defaults to one second's worth.
    public init(
        name: String, minimumRate: Double, maximumRate: Double, targetLatency: Duration,
        burst: Double? = nil, timeSource: TimeSource = .coarseMonotonic, metricsFactory: (any MetricsFactory)? = nil
    ) {
        let controller = AdaptiveRateController(minimumRate: minimumRate, maximumRate: maximumRate, targetLatency: targetLatency)
        self.controller = Mutex(controller)
        self.bucket = TokenBucket(
            name: name, rate: controller.rate, burst: burst ?? max(1, controller.maximumRate),
            timeSource: timeSource, metricsFactory: metricsFactory)
    }

    /// Takes a token if available now.
    public func allow(_ tokens: Double = 1) -> Bool {
        bucket.allow(tokens)
    }

    /// Reports the latency of a completed call, moving the rate towards the target.
    public func record(latency: Duration) {
        let rate = controller.withLock { $0.record(latency: latency) }
        bucket.setRate(rate)
    }

    /// The current rate in tokens a second.
    public var rate: Double { bucket.rate }
}
