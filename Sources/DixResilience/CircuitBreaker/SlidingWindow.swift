/// The recent calls over which failure and slow-call rates are computed: the last N calls, or
/// the calls of the last N seconds.
///
/// Both kinds keep a ring of buckets and running totals, so recording is O(1) (amortized for
/// the time-based kind, which clears the buckets that time has passed).
public struct SlidingWindow: Sendable, Hashable {
    /// How far back the window reaches.
    public enum Kind: Sendable, Hashable {
        /// The last `n` calls.
        case count(Int)
        /// The calls of the last `duration`, kept in `buckets` buckets (one a second by default).
        case time(Duration, buckets: Int)

        /// The calls of the last `seconds` seconds, one bucket a second.
        public static func seconds(_ seconds: Int) -> Kind {
            .time(.seconds(seconds), buckets: max(1, seconds))
        }
    }

    /// Call counts within the window or one bucket.
    public struct Totals: Sendable, Hashable {
        /// Calls recorded.
        public var calls: Int = 0
        /// Calls that failed.
        public var failures: Int = 0
        /// Calls slower than the slow-call threshold.
        public var slowCalls: Int = 0

        /// Creates totals.
        public init(calls: Int = 0, failures: Int = 0, slowCalls: Int = 0) {
            self.calls = calls
            self.failures = failures
            self.slowCalls = slowCalls
        }

        /// Failures over calls, 0 when there are no calls.
        public var failureRate: Double { calls == 0 ? 0 : Double(failures) / Double(calls) }
        /// Slow calls over calls, 0 when there are no calls.
        public var slowCallRate: Double { calls == 0 ? 0 : Double(slowCalls) / Double(calls) }

        @inlinable
        static func += (lhs: inout Totals, rhs: Totals) {
            lhs.calls &+= rhs.calls
            lhs.failures &+= rhs.failures
            lhs.slowCalls &+= rhs.slowCalls
        }

        @inlinable
        static func -= (lhs: inout Totals, rhs: Totals) {
            lhs.calls &-= rhs.calls
            lhs.failures &-= rhs.failures
            lhs.slowCalls &-= rhs.slowCalls
        }
    }

    /// The window's extent.
    public let kind: Kind
    /// The counts over the whole window.
    public private(set) var totals = Totals()

    private var buckets: [Totals]
    /// Count-based: the next slot to overwrite. Time-based: the index of the newest bucket.
    private var cursor = 0
    /// Time-based: the bucket number (time / bucket width) of the newest bucket.
    private var newestBucket: UInt64 = 0
    private let bucketWidth: UInt64

    /// Creates an empty window.
    public init(_ kind: Kind) {
        switch kind {
        case .count(let n):
            let size = max(1, n)
            self.kind = .count(size)
            self.buckets = Array(repeating: Totals(), count: size)
            self.bucketWidth = 0
        case .time(let duration, let bucketCount):
            let count = max(1, bucketCount)
            self.kind = .time(duration, buckets: count)
            self.buckets = Array(repeating: Totals(), count: count)
            self.bucketWidth = max(1, duration.clampedNanoseconds / UInt64(count))
        }
    }

    /// Records one call that ended at `now` (nanoseconds).
    public mutating func record(failure: Bool, slow: Bool, now: UInt64) {
        let call = Totals(calls: 1, failures: failure ? 1 : 0, slowCalls: slow ? 1 : 0)
        if bucketWidth == 0 {
            totals -= buckets[cursor]
            buckets[cursor] = call
            cursor += 1
            if cursor == buckets.count { cursor = 0 }
        } else {
            advance(to: now)
            buckets[cursor] += call
        }
        totals += call
    }

    /// The totals as of `now`: for a time-based window, drops the buckets that have aged out.
    public mutating func totals(at now: UInt64) -> Totals {
        if bucketWidth != 0 { advance(to: now) }
        return totals
    }

    /// Forgets every recorded call.
    public mutating func removeAll() {
        for index in buckets.indices { buckets[index] = Totals() }
        totals = Totals()
        cursor = 0
    }

    private mutating func advance(to now: UInt64) {
        let bucket = now / bucketWidth
        guard bucket > newestBucket else { return }
        let steps = min(bucket - newestBucket, UInt64(buckets.count))
        for _ in 0..<steps {
            cursor += 1
            if cursor == buckets.count { cursor = 0 }
            totals -= buckets[cursor]
            buckets[cursor] = Totals()
        }
        newestBucket = bucket
    }
}
