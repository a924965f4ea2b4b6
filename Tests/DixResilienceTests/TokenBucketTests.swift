import MetricsTestKit
import Testing
@testable import DixResilience

@Suite("Token bucket")
struct TokenBucketTests {
    @Test("allows a burst, then refills at the rate")
    func burstAndRefill() {
        var bucket = TokenBucketState(rate: 10, burst: 3, now: 0)
        let burst = (0..<4).map { _ in bucket.tryTake(now: 0) }
        #expect(burst == [true, true, true, false])
        let early = bucket.tryTake(now: 99 * millisecond)
        #expect(!early)
        let refilled = bucket.tryTake(now: 150 * millisecond)
        #expect(refilled)
        let later = bucket.tryTake(2, now: 10 * second)
        #expect(later)
        #expect(bucket.tokens == 1)   // refill caps at the burst
    }

    @Test("reserve goes into debt and reports the wait; more than the burst is refused")
    func reserve() {
        var bucket = TokenBucketState(rate: 2, burst: 2, now: 0)
        #expect(bucket.reserve(2, now: 0) == 0)
        #expect(bucket.reserve(1, now: 0) == 500 * millisecond)
        #expect(bucket.reserve(1, now: 0) == second)
        #expect(bucket.reserve(3, now: 0) == nil)
        bucket.giveBack(1, now: 0)
        #expect(bucket.reserve(1, now: 0) == second)
    }

    @Test("a rate change credits tokens earned at the old rate")
    func rateChange() {
        var bucket = TokenBucketState(rate: 1, burst: 100, now: 0)
        _ = bucket.tryTake(100, now: 0)
        bucket.setRate(100, now: 2 * second)
        #expect(bucket.tokens == 2)
        bucket.refill(now: 3 * second)
        #expect(bucket.tokens == 100)
    }

    @Test("wait fails at once if the wait would pass the deadline, without taking tokens")
    func waitDeadline() async throws {
        let clock = ManualClock()
        let bucket = TokenBucket(name: "test", rate: 1, burst: 1, timeSource: .manual(clock), metricsFactory: TestMetrics())
        try await bucket.wait()
        await #expect(throws: RateLimitExceededError.self) { try await bucket.wait(timeout: .milliseconds(500)) }
        #expect(clock.nanoseconds == 1 * second)
        clock.advance(by: .seconds(1))
        #expect(bucket.allow())
    }

    @Test("wait sleeps until the tokens are earned, and gives them back if cancelled")
    func waitAndCancel() async throws {
        let clock = ManualClock()
        let bucket = TokenBucket(name: "test", rate: 1, burst: 1, timeSource: .manual(clock), metricsFactory: TestMetrics())
        #expect(bucket.allow())
        let waiter = Task { try await bucket.wait(timeout: .seconds(2)) }
        while clock.sleeperCount == 0 { await Task.yield() }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(bucket.availableTokens == 0)   // the debt was repaid
        let next = Task { try await bucket.wait(timeout: .seconds(2)) }
        while clock.sleeperCount == 0 { await Task.yield() }
        clock.advance(by: .seconds(1))
        try await next.value
    }

    @Test("reservations can be cancelled before they are due")
    func reservationCancel() throws {
        let clock = ManualClock()
        let bucket = TokenBucket(name: "test", rate: 1, burst: 1, timeSource: .manual(clock), metricsFactory: TestMetrics())
        _ = bucket.allow()
        let reservation = try #require(bucket.reserve())
        #expect(reservation.delay == .seconds(1))
        bucket.cancel(reservation)
        clock.advance(by: .seconds(1))
        #expect(bucket.allow())
    }

    @Test("allowed and rejected calls are counted by name")
    func metrics() {
        let metrics = TestMetrics()
        let bucket = TokenBucket(name: "alerts", rate: 0, burst: 2, timeSource: .manual(ManualClock()), metricsFactory: metrics)
        for _ in 0..<5 { _ = bucket.allow() }
        #expect(metrics.counterTotal(label: "rate_limiter_allowed_total", dimensions: [("name", "alerts")]) == 2)
        #expect(metrics.counterTotal(label: "rate_limiter_rejected_total", dimensions: [("name", "alerts")]) == 3)
    }

    @Test("the adaptive controller lowers the rate above the target latency and raises it below")
    func adaptive() {
        var controller = AdaptiveRateController(minimumRate: 10, maximumRate: 100, targetLatency: .milliseconds(100))
        #expect(controller.rate == 100)
        for _ in 0..<50 { _ = controller.record(latency: .milliseconds(500)) }
        #expect(controller.rate == 10)
        for _ in 0..<50 { _ = controller.record(latency: .milliseconds(10)) }
        #expect(controller.rate == 100)
    }

    @Test("the adaptive limiter applies its rate to the live bucket")
    func adaptiveLimiter() {
        let limiter = AdaptiveRateLimiter(
            name: "rpc", minimumRate: 1, maximumRate: 50, targetLatency: .milliseconds(100),
            timeSource: .manual(ManualClock()), metricsFactory: TestMetrics())
        limiter.record(latency: .seconds(1))
        #expect(limiter.rate == 40)
    }
}
