import DixObservability
import DixResilience
import Testing

@Suite("DixResilience metrics through the Prometheus backend")
struct ResilienceMetricsTests {
    @Test func aCircuitBreakersMetricsAppearNamespacedWithHelp() async throws {
        let factory = try MetricsBootstrap.makeFactory()
        let breaker = CircuitBreaker(
            name: "rpc", configuration: .init(consecutiveFailureThreshold: 1, minimumNumberOfCalls: 1),
            metricsFactory: factory)
        struct Refused: Error {}
        _ = try? await breaker.call { throw Refused() }
        let text = factory.registry.emitToString()
        #expect(text.contains("# HELP dixmgr_circuit_breaker_state \(MetricCatalog.circuitBreakerState.help)"))
        #expect(text.contains(#"dixmgr_circuit_breaker_state{name="rpc"} 1"#))
        #expect(text.contains("# HELP dixmgr_circuit_breaker_calls_total "))
    }
}
