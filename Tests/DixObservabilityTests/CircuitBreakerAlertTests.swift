import DixObservability
import DixResilience
import Testing

@Suite("Circuit breaker alerts")
struct CircuitBreakerAlertTests {
    @Test func anOpeningBreakerRaisesCircuitOpenAndClosingResolvesIt() async throws {
        let channel = RecordingChannel()
        let dispatcher = AlertDispatcher(channels: [channel], configuration: .quick())
        let manager = try AlertManager(rules: [], dispatcher: dispatcher)
        let breaker = CircuitBreaker(
            name: "geth-rpc", configuration: .init(consecutiveFailureThreshold: 1, minimumNumberOfCalls: 1),
            onStateChange: { change in Task { await manager.circuitBreakerChanged(change, service: "geth") } })
        try await withDispatcher(dispatcher) {
            var delivered = channel.delivered.makeAsyncIterator()
            struct Refused: Error {}
            _ = try? await breaker.call { throw Refused() }
            let fired = await delivered.next()
            #expect(fired?.alert.type == .circuitOpen)
            #expect(fired?.alert.labels == ["breaker": "geth-rpc"])
            #expect(fired?.status == .firing)
            breaker.forceClose(reason: "test")
            #expect(await delivered.next()?.status == .resolved)
        }
    }
}
