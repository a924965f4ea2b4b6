import Testing
@testable import DixResilience

@Suite("Sliding window")
struct SlidingWindowTests {
    @Test("a count window keeps exactly the last N calls")
    func countWindow() {
        var window = SlidingWindow(.count(3))
        window.record(failure: true, slow: true, now: 0)
        window.record(failure: false, slow: false, now: 0)
        window.record(failure: false, slow: false, now: 0)
        #expect(window.totals == .init(calls: 3, failures: 1, slowCalls: 1))
        window.record(failure: false, slow: false, now: 0)
        #expect(window.totals == .init(calls: 3, failures: 0, slowCalls: 0))
    }

    @Test("a time window drops buckets as time passes, including after a long idle period")
    func timeWindow() {
        var window = SlidingWindow(.seconds(5))
        window.record(failure: true, slow: false, now: 10 * second)
        window.record(failure: false, slow: false, now: 12 * second)
        #expect(window.totals(at: 14 * second + 999 * millisecond).calls == 2)
        #expect(window.totals(at: 15 * second) == .init(calls: 1, failures: 0, slowCalls: 0))
        #expect(window.totals(at: 1000 * second).calls == 0)
        window.record(failure: true, slow: false, now: 1000 * second)
        #expect(window.totals(at: 1000 * second) == .init(calls: 1, failures: 1, slowCalls: 0))
    }

    @Test("rates are zero for an empty window")
    func emptyRates() {
        let totals = SlidingWindow.Totals()
        #expect(totals.failureRate == 0)
        #expect(totals.slowCallRate == 0)
    }
}
