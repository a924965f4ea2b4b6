import CoreMetrics
import Synchronization

/// A token-bucket rate limiter: `rate` calls a second on average, bursts of up to `burst`.
///
/// ```swift
/// let limiter = TokenBucket(name: "alerts-slack", rate: 1, burst: 5)
/// if limiter.allow() { send(alert) }
/// try await limiter.wait(timeout: .seconds(2))   // throws RateLimitExceededError at once if 2 s is not enough
/// ```
public final class TokenBucket: Sendable {
    /// A claim on tokens; act after ``delay``, or hand them back with ``TokenBucket/cancel(_:)``.
    public struct Reservation: Sendable, Hashable {
        /// The tokens claimed.
        public let tokens: Double
        /// How long to wait before acting, from the moment of reservation.
        public let delay: Duration
        /// When the tokens are earned, on the bucket's time source.
        let readyAt: UInt64
    }

    /// The limiter's name, also its metric label.
    public let name: String
    let bucket: Mutex<TokenBucketState>
    let timeSource: TimeSource
    let allowedCounter: Counter
    let rejectedCounter: Counter

    /// Creates a full bucket.
    ///
    /// The default time source is the coarse monotonic clock (resolution of a few ms), which is
    /// plenty for rates up to thousands a second and keeps ``allow(_:)`` cheap.
    public init(
        name: String, rate: Double, burst: Double,
        timeSource: TimeSource = .coarseMonotonic,
        metricsFactory: (any MetricsFactory)? = nil
    ) {
        let factory = metricsFactory ?? MetricsSystem.factory
        self.name = name
        self.timeSource = timeSource
        self.bucket = Mutex(TokenBucketState(rate: rate, burst: burst, now: timeSource.now()))
        self.allowedCounter = Counter(label: "rate_limiter_allowed_total", dimensions: [("name", name)], factory: factory)
        self.rejectedCounter = Counter(label: "rate_limiter_rejected_total", dimensions: [("name", name)], factory: factory)
    }

    /// Takes `tokens` if available now; returns whether the call may proceed.
    public func allow(_ tokens: Double = 1) -> Bool {
        let now = timeSource.now()
        let allowed = bucket.withLock { $0.tryTake(tokens, now: now) }
        (allowed ? allowedCounter : rejectedCounter).increment()
        return allowed
    }

    /// Waits until `tokens` are available and takes them.
    ///
    /// Throws ``RateLimitExceededError`` at once, without waiting, if the wait would exceed
    /// `timeout`; throws `CancellationError` (and gives the tokens back) if cancelled while waiting.
    public func wait(_ tokens: Double = 1, timeout: Duration? = nil) async throws {
        try Task.checkCancellation()
        let now = timeSource.now()
        let limit = timeout?.clampedNanoseconds
        let wait: UInt64? = bucket.withLock { bucket in
            var probe = bucket
            guard let wait = probe.reserve(tokens, now: now) else { return nil }
            if let limit, wait > limit { return nil }
            bucket = probe
            return wait
        }
        guard let wait else {
            rejectedCounter.increment()
            throw RateLimitExceededError(name: name, tokens: tokens, timeout: timeout)
        }
        if wait > 0 {
            do {
                try await timeSource.sleep(for: .nanoseconds(wait))
            } catch {
                bucket.withLock { $0.giveBack(tokens, now: timeSource.now()) }
                throw error
            }
        }
        allowedCounter.increment()
    }

    /// Claims `tokens` now, however long they take to earn; nil if they exceed the burst.
    public func reserve(_ tokens: Double = 1) -> Reservation? {
        let now = timeSource.now()
        guard let wait = bucket.withLock({ $0.reserve(tokens, now: now) }) else { return nil }
        return Reservation(tokens: tokens, delay: .nanoseconds(wait), readyAt: now &+ wait)
    }

    /// Hands back the tokens of a reservation not yet acted on (before its delay has passed).
    public func cancel(_ reservation: Reservation) {
        let now = timeSource.now()
        guard now < reservation.readyAt else { return }
        bucket.withLock { $0.giveBack(reservation.tokens, now: now) }
    }

    /// Changes the rate (and optionally the burst) of the live bucket.
    public func setRate(_ rate: Double, burst: Double? = nil) {
        let now = timeSource.now()
        bucket.withLock { $0.setRate(rate, burst: burst, now: now) }
    }

    /// The current rate in tokens a second.
    public var rate: Double { bucket.withLock { $0.rate } }

    /// Tokens available now.
    public var availableTokens: Double {
        let now = timeSource.now()
        return bucket.withLock { bucket in
            bucket.refill(now: now)
            return bucket.tokens
        }
    }
}
