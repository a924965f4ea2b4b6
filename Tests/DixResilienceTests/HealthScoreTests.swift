import Testing
@testable import DixResilience

@Suite("Health score")
struct HealthScoreTests {
    @Test("latency breakpoints", arguments: [
        (0.0, 1.0), (0.1, 0.95), (0.55, 0.725), (1.0, 0.5), (5.0, 0.0), (60.0, 0.0),
    ])
    func latency(seconds: Double, expected: Double) {
        #expect(abs(HealthScore.interpolate(seconds, HealthScore.latencyBreakpoints) - expected) < 1e-9)
    }

    @Test("jitter breakpoints", arguments: [
        (0.0, 1.0), (0.05, 0.8), (0.2, 0.3), (0.35, 0.15), (0.5, 0.0), (2.0, 0.0),
    ])
    func jitter(seconds: Double, expected: Double) {
        #expect(abs(HealthScore.interpolate(seconds, HealthScore.jitterBreakpoints) - expected) < 1e-9)
    }

    @Test("weights: 50 % success rate, 30 % latency, 20 % jitter")
    func weights() {
        #expect(HealthScore.score(successRate: 1, latency: .zero, jitter: .zero) == 1)
        #expect(abs(HealthScore.score(successRate: 0, latency: .zero, jitter: .zero) - 0.5) < 1e-9)
        #expect(abs(HealthScore.score(successRate: 1, latency: .seconds(5), jitter: .zero) - 0.7) < 1e-9)
        #expect(abs(HealthScore.score(successRate: 1, latency: .zero, jitter: .seconds(1)) - 0.8) < 1e-9)
        #expect(abs(HealthScore.score(successRate: 0.5, latency: .seconds(1), jitter: .milliseconds(50)) - 0.56) < 1e-9)
    }
}
