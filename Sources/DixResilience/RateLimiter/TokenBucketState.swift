/// The pure state of a token bucket: `burst` tokens at most, refilled at `rate` tokens a second.
///
/// Time is in nanoseconds on the owner's ``TimeSource``. A reservation may take the balance
/// below zero (debt), which later callers wait out; this is how `wait` stays fair.
///
/// ```swift
/// var bucket = TokenBucketState(rate: 10, burst: 5, now: 0)
/// bucket.tryTake(1, now: 0)                      // true
/// let wait = bucket.reserve(10, now: 0)          // nil: more than the burst can never be granted
/// ```
public struct TokenBucketState: Sendable, Hashable {
    /// Tokens added per second.
    public private(set) var rate: Double
    /// The most tokens the bucket holds.
    public private(set) var burst: Double
    /// Tokens available after the last update (negative while reservations are outstanding).
    public private(set) var tokens: Double
    private var lastRefill: UInt64

    /// Creates a full bucket.
    public init(rate: Double, burst: Double, now: UInt64) {
        self.rate = max(0, rate)
        self.burst = max(0, burst)
        self.tokens = max(0, burst)
        self.lastRefill = now
    }

    /// Adds the tokens earned since the last update.
    public mutating func refill(now: UInt64) {
        guard now > lastRefill else { return }
        let elapsed = Double(now - lastRefill) * 1e-9
        tokens = min(burst, tokens + elapsed * rate)
        lastRefill = now
    }

    /// Takes `count` tokens if available now; returns whether it did.
    public mutating func tryTake(_ count: Double = 1, now: UInt64) -> Bool {
        refill(now: now)
        guard tokens >= count else { return false }
        tokens -= count
        return true
    }

    /// Takes `count` tokens, going into debt if needed; returns the nanoseconds to wait before
    /// they are earned, or nil if `count` exceeds the burst (or the rate is 0 and tokens lack).
    public mutating func reserve(_ count: Double = 1, now: UInt64) -> UInt64? {
        refill(now: now)
        guard count <= burst else { return nil }
        let missing = count - tokens
        if missing <= 0 {
            tokens -= count
            return 0
        }
        guard rate > 0 else { return nil }
        let wait = (missing / rate * 1e9).rounded(.up)
        guard wait < Double(UInt64.max / 2) else { return nil }
        tokens -= count
        return UInt64(wait)
    }

    /// Gives back `count` reserved tokens (a cancelled reservation).
    public mutating func giveBack(_ count: Double, now: UInt64) {
        refill(now: now)
        tokens = min(burst, tokens + count)
    }

    /// Changes rate and burst, crediting the tokens earned at the old rate first.
    public mutating func setRate(_ newRate: Double, burst newBurst: Double? = nil, now: UInt64) {
        refill(now: now)
        rate = max(0, newRate)
        if let newBurst {
            burst = max(0, newBurst)
            tokens = min(tokens, burst)
        }
    }
}
