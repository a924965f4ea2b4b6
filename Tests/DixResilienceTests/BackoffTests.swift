import Testing
@testable import DixResilience

@Suite("Backoff")
struct BackoffTests {
    @Test("base delay grows by the coefficient and stops at the maximum")
    func growth() {
        let backoff = Backoff(initialInterval: .seconds(1), coefficient: 2, maximumInterval: .seconds(10), jitter: .none)
        #expect((1...6).map { backoff.baseDelay(afterAttempt: $0) } == [1, 2, 4, 8, 10, 10].map { .seconds($0) })
    }

    @Test("maximum interval defaults to 100 times the initial interval")
    func defaultMaximum() {
        #expect(Backoff(initialInterval: .seconds(2)).maximumInterval == .seconds(200))
    }

    @Test("no overflow or negative delay at any attempt number", arguments: [0, 1, 64, 1_100, Int.max, Int.min])
    func extremes(attempt: Int) {
        for jitter in [Backoff.Jitter.none, .full, .equal, .proportional(0.1), .proportional(5), .proportional(-1)] {
            let backoff = Backoff(initialInterval: .seconds(1), coefficient: 10, maximumInterval: .seconds(60), jitter: jitter)
            let delay = backoff.delay(afterAttempt: attempt)
            #expect(delay >= .zero)
            #expect(delay <= .seconds(120))
        }
    }

    @Test("jitter stays within its band")
    func jitterBands() {
        var generator = SystemRandomNumberGenerator()
        let base = Backoff(initialInterval: .seconds(10), coefficient: 1, jitter: .none)
        for _ in 0..<200 {
            var backoff = base
            backoff.jitter = .full
            #expect((Duration.zero ... .seconds(10)).contains(backoff.delay(afterAttempt: 1, using: &generator)))
            backoff.jitter = .equal
            #expect((Duration.seconds(5) ... .seconds(10)).contains(backoff.delay(afterAttempt: 1, using: &generator)))
            backoff.jitter = .default
            #expect((Duration.seconds(9) ... .seconds(11)).contains(backoff.delay(afterAttempt: 1, using: &generator)))
        }
    }
}
