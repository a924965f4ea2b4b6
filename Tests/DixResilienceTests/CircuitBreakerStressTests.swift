import Testing
@testable import DixResilience

@Suite("Circuit breaker under concurrency")
struct CircuitBreakerStressTests {
    @Test("50 tasks by 30 breakers lose no counts")
    func noLostCounts() async throws {
        let registry = CircuitBreakerRegistry(
            defaultConfiguration: .init(consecutiveFailureThreshold: 1_000_000, failureRateThreshold: nil),
            timeSource: .monotonic)
        let callsPerBreaker = 20
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<50 {
                group.addTask {
                    for breakerIndex in 0..<30 {
                        let breaker = registry.getOrCreate("breaker-\(breakerIndex)")
                        for call in 0..<callsPerBreaker {
                            _ = try? await breaker.call {
                                if (task + call).isMultiple(of: 4) { throw ServiceError() }
                                return call
                            }
                        }
                    }
                }
            }
        }
        let stats = registry.allStats()
        #expect(stats.count == 30)
        for breaker in stats {
            #expect(breaker.counts.successes + breaker.counts.failures == UInt64(50 * callsPerBreaker))
            #expect(breaker.counts.failures == UInt64(50 * callsPerBreaker / 4))
            #expect(breaker.state == .closed)
        }
    }
}
