import MetricsTestKit
import Synchronization
import Testing
@testable import DixResilience

@Suite("Circuit breaker")
struct CircuitBreakerTests {
    let clock = ManualClock()
    let metrics = TestMetrics()

    func breaker(
        _ configure: (inout CircuitBreaker.Configuration) -> Void = { _ in },
        onStateChange: (@Sendable (CircuitBreaker.StateChange) -> Void)? = nil
    ) -> CircuitBreaker {
        var configuration = CircuitBreaker.Configuration()
        configure(&configuration)
        return CircuitBreaker(
            name: "rpc", configuration: configuration, timeSource: .manual(clock),
            metricsFactory: metrics, onStateChange: onStateChange)
    }

    func fail(_ breaker: CircuitBreaker, times: Int, with error: any Error = ServiceError()) async {
        for _ in 0..<times {
            await #expect(throws: (any Error).self) { try await breaker.call { throw error } }
        }
    }

    @Test("call returns the closure's value and counts a success")
    func success() async throws {
        let breaker = breaker()
        let value = try await breaker.call { 42 }
        #expect(value == 42)
        #expect(breaker.stats.counts.successes == 1)
    }

    @Test("an open breaker throws CircuitBreakerOpenError without running the closure")
    func openRejectsWithoutRunning() async throws {
        let breaker = breaker()
        await fail(breaker, times: 5)
        #expect(breaker.state == .open)
        let ran = Locked(false)
        let error = await #expect(throws: CircuitBreakerOpenError.self) {
            try await breaker.call { ran.withLock { $0 = true } }
        }
        #expect(!ran.withLock { $0 })
        #expect(error?.retryAfter == .seconds(60))
        #expect(error?.description == "circuit breaker 'rpc' is open; retry in 60.0 s")
        #expect(breaker.stats.counts.rejected == 1)
    }

    @Test("after the open duration, probes close the breaker again")
    func recovers() async throws {
        let breaker = breaker()
        await fail(breaker, times: 5)
        clock.advance(by: .seconds(60))
        for _ in 0..<3 { _ = try await breaker.call { () } }
        #expect(breaker.state == .closed)
    }

    @Test("ignored error types and cancellation never count as failures")
    func classifier() async throws {
        let breaker = breaker { $0.failureClassifier = .ignoring(NotFoundError.self) }
        await fail(breaker, times: 10, with: NotFoundError())
        await fail(breaker, times: 10, with: CancellationError())
        #expect(breaker.state == .closed)
        #expect(breaker.stats.counts.ignored == 20)
        #expect(breaker.stats.counts.failures == 0)
        await fail(breaker, times: 5)
        #expect(breaker.state == .open)
    }

    @Test("recording only chosen types counts nothing else")
    func recordingClassifier() async throws {
        let breaker = breaker { $0.failureClassifier = .recording(ServiceError.self) }
        await fail(breaker, times: 6, with: NotFoundError())
        #expect(breaker.state == .closed)
        await fail(breaker, times: 5, with: ServiceError())
        #expect(breaker.state == .open)
    }

    @Test("an error thrown by a cancelled task is not a failure")
    func cancelledTaskErrors() async throws {
        let breaker = breaker { $0.consecutiveFailureThreshold = 1 }
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            _ = try? await breaker.call { throw ServiceError() }
        }
        await task.value
        #expect(breaker.state == .closed)
        #expect(breaker.stats.counts.ignored == 1)
    }

    @Test("the state-change callback receives from, to and reason")
    func callback() async throws {
        let changes = Locked<[CircuitBreaker.StateChange]>([])
        let breaker = breaker(onStateChange: { change in changes.withLock { $0.append(change) } })
        await fail(breaker, times: 5)
        breaker.forceOpen(reason: "maintenance")
        breaker.forceClose(reason: "done")
        let recorded = changes.withLock { $0 }
        #expect(recorded.map(\.to) == [.open, .forcedOpen, .closed])
        #expect(recorded.map(\.from) == [.closed, .open, .forcedOpen])
        #expect(recorded.map(\.reason) == ["5 consecutive failures", "forced open: maintenance", "forced closed: done"])
    }

    @Test("the two-step form admits, records, and ignores stale permits")
    func twoStep() async throws {
        let breaker = breaker { $0.consecutiveFailureThreshold = 1 }
        let early = try breaker.acquirePermit()
        let permit = try breaker.acquirePermit()
        breaker.recordFailure(permit, error: ServiceError())
        #expect(breaker.state == .open)
        clock.advance(by: .seconds(60))
        let probe = try breaker.acquirePermit()
        #expect(breaker.state == .halfOpen)
        breaker.recordFailure(early, error: ServiceError())   // from before the trip: ignored
        #expect(breaker.state == .halfOpen)
        breaker.recordSuccess(probe)
        #expect(breaker.stats.counts.successes == 1)
    }

    @Test("disabled passes calls through without recording; metrics-only counts without tripping")
    func operatorStates() async throws {
        let breaker = breaker()
        breaker.disable(reason: "test")
        await fail(breaker, times: 10)
        #expect(breaker.state == .disabled)
        #expect(breaker.stats.counts.failures == 0)
        breaker.enableMetricsOnly(reason: "test")
        await fail(breaker, times: 10)
        #expect(breaker.state == .metricsOnly)
        #expect(breaker.stats.counts.failures == 10)
        breaker.reset()
        #expect(breaker.state == .closed)
    }

    @Test("stats report rates, latency, jitter, health and when the breaker last opened")
    func stats() async throws {
        let breaker = breaker { $0.slowCallDurationThreshold = .milliseconds(100) }
        for index in 0..<4 {
            let permit = try breaker.acquirePermit()
            clock.advance(by: .milliseconds(index == 0 ? 200 : 50))
            if index == 3 { breaker.recordFailure(permit, error: ServiceError()) } else { breaker.recordSuccess(permit) }
        }
        var stats = breaker.stats
        #expect(stats.state == .closed)
        #expect(stats.windowCalls == 4)
        #expect(stats.failureRate == 0.25)
        #expect(stats.slowCallRate == 0.25)
        #expect(stats.averageLatency > .milliseconds(50) && stats.averageLatency < .milliseconds(200))
        #expect(stats.latencyJitter > .zero)
        #expect(stats.healthScore > 0.5 && stats.healthScore < 1)
        #expect(stats.lastOpenedAt == nil)
        breaker.forceOpen(reason: "test")
        clock.advance(by: .seconds(3))
        stats = breaker.stats
        #expect(stats.timeSinceLastOpened == .seconds(3))
    }

    @Test("metrics: one family per measure, the breaker's name as a label")
    func metricsFamilies() async throws {
        let breaker = breaker { $0.slowCallDurationThreshold = .milliseconds(100) }
        _ = try await breaker.call { 1 }
        let permit = try breaker.acquirePermit()
        clock.advance(by: .milliseconds(150))
        breaker.recordSuccess(permit)
        await fail(breaker, times: 5)
        _ = try? await breaker.call { 1 }
        let calls = "circuit_breaker_calls_total"
        #expect(metrics.counterTotal(label: calls, dimensions: [("name", "rpc"), ("result", "success")]) == 1)
        #expect(metrics.counterTotal(label: calls, dimensions: [("name", "rpc"), ("result", "slow")]) == 1)
        #expect(metrics.counterTotal(label: calls, dimensions: [("name", "rpc"), ("result", "failure")]) == 5)
        #expect(metrics.counterTotal(label: calls, dimensions: [("name", "rpc"), ("result", "rejected")]) == 1)
        #expect(metrics.counterTotal(
            label: "circuit_breaker_state_changes_total",
            dimensions: [("name", "rpc"), ("from", "closed"), ("to", "open")]) == 1)
        #expect(metrics.counterTotal(
            label: "circuit_breaker_failures_total", dimensions: [("name", "rpc"), ("error", "ServiceError")]) == 5)
        #expect(try metrics.expectGauge("circuit_breaker_state", [("name", "rpc")]).lastValue == 1)
        #expect(try metrics.expectTimer("circuit_breaker_call_duration_seconds", [("name", "rpc")]).values.count == 7)
        _ = breaker.stats
        #expect(try metrics.expectGauge("circuit_breaker_success_ratio", [("name", "rpc")]).lastValue != nil)
        #expect(try metrics.expectGauge("circuit_breaker_health_score", [("name", "rpc")]).lastValue != nil)
        #expect(metrics.counters.allSatisfy { !$0.label.contains("rpc") })
    }

    @Test("the registry returns one breaker per name and applies changed settings live")
    func registry() async throws {
        let registry = CircuitBreakerRegistry(timeSource: .manual(clock), metricsFactory: metrics)
        let first = registry.getOrCreate("a")
        #expect(registry.getOrCreate("a") === first)
        _ = registry.getOrCreate("b")
        #expect(registry.allStats().map(\.name) == ["a", "b"])
        var relaxed = CircuitBreaker.Configuration()
        relaxed.consecutiveFailureThreshold = 2
        registry.update(defaultConfiguration: relaxed)
        await fail(first, times: 2)
        #expect(first.state == .open)
        var strict = CircuitBreaker.Configuration()
        strict.consecutiveFailureThreshold = 1
        registry.update(configuration: strict, for: "b")
        await fail(registry.getOrCreate("b"), times: 1)
        #expect(registry.getOrCreate("b").state == .open)
        #expect(registry.getOrCreate("c").configuration.consecutiveFailureThreshold == 2)
    }
}
