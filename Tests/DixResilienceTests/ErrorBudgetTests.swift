import MetricsTestKit
import Testing
@testable import DixResilience

@Suite("Error budget")
struct ErrorBudgetTests {
    let hour: UInt64 = 3600 * 1_000_000_000
    let minute: UInt64 = 60 * 1_000_000_000

    @Test("consumed and remaining budget over the SLO window")
    func consumedAndRemaining() {
        var budget = ErrorBudget(target: 0.99, window: .seconds(86_400), alerts: [])
        for index in 0..<1000 { budget.record(success: index % 200 != 0, now: hour) }   // 5 bad of 1000
        #expect(abs(budget.consumed(now: hour) - 0.5) < 1e-9)
        #expect(abs(budget.remaining(now: hour) - 0.5) < 1e-9)
        #expect(budget.consumed(now: hour + 25 * hour) == 0)   // aged out of the window
    }

    @Test("burn rate 14.4 over 1 h and 5 min fires only when both windows burn")
    func multiwindow() {
        var budget = ErrorBudget(target: 0.999, window: .seconds(30 * 86_400), alerts: [.fastBurn])
        let start = 10 * hour
        // An hour at 2 % errors: burn rate 20 over both windows.
        for minuteIndex in 0..<60 {
            for call in 0..<100 { budget.record(success: call >= 2, now: start + UInt64(minuteIndex) * minute) }
        }
        var status = budget.alertStatuses(now: start + 59 * minute)[0]
        #expect(abs(status.longBurnRate - 20) < 1e-6)
        #expect(abs(status.shortBurnRate - 20) < 1e-6)
        #expect(status.isFiring)
        // Then ten clean minutes: the long window still burns, the short one has cooled: no alert.
        for minuteIndex in 60..<70 {
            for _ in 0..<100 { budget.record(success: true, now: start + UInt64(minuteIndex) * minute) }
        }
        status = budget.alertStatuses(now: start + 69 * minute)[0]
        #expect(status.longBurnRate > 14.4)
        #expect(status.shortBurnRate == 0)
        #expect(!status.isFiring)
    }

    @Test("a short spike does not fire the alert: the long window stays below the threshold")
    func shortSpike() {
        var budget = ErrorBudget(target: 0.999, window: .seconds(30 * 86_400), alerts: [.fastBurn])
        let start = 10 * hour
        for minuteIndex in 0..<60 {
            for call in 0..<100 {
                let bad = minuteIndex >= 57 && call < 10   // 3 minutes at 10 %
                budget.record(success: !bad, now: start + UInt64(minuteIndex) * minute)
            }
        }
        let status = budget.alertStatuses(now: start + 59 * minute)[0]
        #expect(status.shortBurnRate >= 14.4)
        #expect(status.longBurnRate < 14.4)
        #expect(!status.isFiring)
    }

    @Test("the tracker reports remaining, consumed and burn rates by name and window")
    func trackerMetrics() throws {
        let metrics = TestMetrics()
        let clock = ManualClock()
        let tracker = ErrorBudgetTracker(
            name: "api", target: 0.9, window: .seconds(86_400), alerts: [.fastBurn],
            timeSource: .manual(clock), metricsFactory: metrics)
        for index in 0..<10 { tracker.record(success: index != 0) }
        let snapshot = tracker.snapshot()
        #expect(abs(snapshot.consumed - 1) < 1e-9)
        #expect(try metrics.expectGauge("error_budget_remaining", [("name", "api")]).lastValue.map { abs($0) < 1e-9 } == true)
        #expect(try metrics.expectGauge("error_budget_consumed", [("name", "api")]).lastValue.map { abs($0 - 1) < 1e-9 } == true)
        #expect(try metrics.expectGauge("error_budget_burn_rate", [("name", "api"), ("window", "1h")]).lastValue.map { abs($0 - 1) < 1e-9 } == true)
        #expect(try metrics.expectGauge("error_budget_burn_rate", [("name", "api"), ("window", "5m")]).lastValue != nil)
    }
}
