import Testing
@testable import DixResilience

@Suite("Adaptive threshold")
struct AdaptiveThresholdTests {
    /// Feeds `rates` as samples of 10 calls each.
    func threshold(afterSamples rates: [Int]) -> AdaptiveThreshold {
        var threshold = AdaptiveThreshold(configuration: .init())
        for failures in rates {
            for call in 0..<10 { threshold.record(failure: call < failures) }
        }
        return threshold
    }

    @Test("a steady 40 % error rate lowers the threshold")
    func chronicDegradationLowers() {
        let threshold = threshold(afterSamples: [4, 3, 5, 4, 4, 3, 5, 4])
        #expect(threshold.isDegraded)
        #expect(threshold.effectiveThreshold(base: 5) == 3)
    }

    @Test("a single spike after a healthy period does not lower the threshold")
    func singleSpikeDoesNot() {
        let threshold = threshold(afterSamples: [0, 0, 0, 0, 0, 0, 9, 0])
        #expect(!threshold.isDegraded)
        #expect(threshold.effectiveThreshold(base: 5) == 5)
    }

    @Test("no errors keeps the base threshold")
    func healthyKeepsBase() {
        #expect(threshold(afterSamples: [0, 0, 0, 0]).effectiveThreshold(base: 5) == 5)
    }

    @Test("the threshold is never lowered below the minimum")
    func minimumThreshold() {
        let threshold = threshold(afterSamples: [9, 9, 9, 9, 9, 9])
        #expect(threshold.effectiveThreshold(base: 5) == 2)
    }

    @Test("a breaker with the adaptive threshold trips sooner under chronic degradation")
    func breakerTripsSooner() {
        var machine = CircuitBreakerStateMachine(
            name: "adaptive",
            configuration: .init(failureRateThreshold: nil, adaptiveThreshold: .init()))
        // 60 % failures, never more than 3 in a row: a fixed threshold of 5 would never trip.
        var tripped: CircuitBreaker.StateChange?
        for index in 0..<200 where tripped == nil {
            tripped = machine.call(index % 5 < 3 ? .failure : .success, at: second)
        }
        #expect(machine.effectiveConsecutiveFailureThreshold == 2)
        #expect(tripped?.reason == "2 consecutive failures (adaptive threshold)")
    }
}
