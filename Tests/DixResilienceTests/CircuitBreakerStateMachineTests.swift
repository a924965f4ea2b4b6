import Testing
@testable import DixResilience

@Suite("Circuit breaker state machine")
struct CircuitBreakerStateMachineTests {
    func machine(_ configure: (inout CircuitBreaker.Configuration) -> Void = { _ in }) -> CircuitBreakerStateMachine {
        var configuration = CircuitBreaker.Configuration(failureRateThreshold: nil)
        configure(&configuration)
        return CircuitBreakerStateMachine(name: "test", configuration: configuration)
    }

    @Test("trips after the default 5 consecutive failures, not before")
    func consecutiveFailures() {
        var machine = machine()
        for _ in 0..<4 { #expect(machine.call(.failure, at: second) == nil) }
        #expect(machine.state == .closed)
        let change = machine.call(.failure, at: second)
        #expect(change?.from == .closed)
        #expect(change?.to == .open)
        #expect(change?.reason == "5 consecutive failures")
        #expect(machine.state == .open)
    }

    @Test("a success resets the consecutive-failure count")
    func successResetsCount() {
        var machine = machine()
        for _ in 0..<4 { machine.call(.failure, at: second) }
        machine.call(.success, at: second)
        for _ in 0..<4 { machine.call(.failure, at: second) }
        #expect(machine.state == .closed)
        #expect(machine.consecutiveFailures == 4)
    }

    @Test("failure rate over a count window waits for the minimum number of calls")
    func failureRateMinimumCalls() {
        var machine = machine {
            $0.consecutiveFailureThreshold = 1000
            $0.failureRateThreshold = 0.5
            $0.window = .count(10)
            $0.minimumNumberOfCalls = 10
        }
        // Alternate: 50 % failures, but fewer than 10 calls for the first 9.
        for index in 0..<9 { machine.call(index.isMultiple(of: 2) ? .success : .failure, at: second) }
        #expect(machine.state == .closed)
        let change = machine.call(.failure, at: second)   // 10th call: 5 of 10 failed
        #expect(change?.to == .open)
        #expect(change?.reason.hasPrefix("failure rate 50%") == true)
    }

    @Test("a count window forgets calls older than its last N")
    func countWindowEviction() {
        var machine = machine {
            $0.consecutiveFailureThreshold = 1000
            $0.failureRateThreshold = 0.5
            $0.window = .count(4)
            $0.minimumNumberOfCalls = 4
        }
        machine.call(.failure, at: second)
        for _ in 0..<4 { machine.call(.success, at: second) }   // the failure drops out
        #expect(machine.windowTotals(now: second) == SlidingWindow.Totals(calls: 4, failures: 0, slowCalls: 0))
        machine.call(.failure, at: second)
        #expect(machine.state == .closed)                       // 1 of 4
        let change = machine.call(.failure, at: second)          // 2 of 4
        #expect(change?.to == .open)
    }

    @Test("a time window counts only the calls of the last N seconds")
    func timeWindowEdges() {
        var machine = machine {
            $0.consecutiveFailureThreshold = 1000
            $0.failureRateThreshold = 0.5
            $0.window = .seconds(10)
            $0.minimumNumberOfCalls = 4
        }
        let start = 100 * second
        machine.call(.failure, at: start)
        machine.call(.failure, at: start)
        // 9.9 s later the failures are still in the window; 10 s later they have aged out.
        #expect(machine.windowTotals(now: start + 9 * second + 900 * millisecond).calls == 2)
        #expect(machine.windowTotals(now: start + 10 * second).calls == 0)
        machine.call(.success, at: start + 10 * second)
        machine.call(.success, at: start + 10 * second)
        machine.call(.failure, at: start + 10 * second)
        #expect(machine.state == .closed)   // 1 of 3: too few calls anyway
        machine.call(.success, at: start + 10 * second)
        #expect(machine.state == .closed)   // 1 of 4 = 25 %
    }

    @Test("slow-call rate trips the breaker")
    func slowCallRate() {
        var machine = machine {
            $0.slowCallRateThreshold = 0.5
            $0.slowCallDurationThreshold = .milliseconds(500)
            $0.window = .count(10)
            $0.minimumNumberOfCalls = 4
        }
        machine.call(.success, duration: 10 * millisecond, at: second)
        machine.call(.success, duration: 10 * millisecond, at: second)
        machine.call(.success, duration: 600 * millisecond, at: second)
        #expect(machine.state == .closed)
        let change = machine.call(.success, duration: 500 * millisecond, at: second)   // 2 of 4 slow
        #expect(change?.to == .open)
        #expect(change?.reason.hasPrefix("slow-call rate 50%") == true)
        #expect(machine.counts.slowCalls == 2)
    }

    @Test("open rejects until the open duration has passed, then half-open admits exactly 3 probes")
    func openThenHalfOpenProbeLimit() {
        var machine = machine()
        for _ in 0..<5 { machine.call(.failure, at: second) }
        #expect(machine.acquirePermit(now: second + 59 * second) == .rejected(state: .open, retryAfter: .seconds(1)))
        guard case .permitted(let generation, let change) = machine.acquirePermit(now: 61 * second) else {
            Issue.record("expected a probe permit")
            return
        }
        #expect(change?.to == .halfOpen)
        #expect(machine.state == .halfOpen)
        #expect(machine.acquirePermit(now: 61 * second) == .permitted(generation: generation, transition: nil))
        #expect(machine.acquirePermit(now: 61 * second) == .permitted(generation: generation, transition: nil))
        #expect(machine.acquirePermit(now: 61 * second) == .rejected(state: .halfOpen, retryAfter: nil))
        #expect(machine.counts.rejected == 2)
    }

    @Test("enough probe successes close the breaker")
    func probesClose() {
        var machine = machine()
        for _ in 0..<5 { machine.call(.failure, at: second) }
        var generations: [UInt64] = []
        for _ in 0..<3 {
            guard case .permitted(let generation, _) = machine.acquirePermit(now: 70 * second) else { return }
            generations.append(generation)
        }
        #expect(machine.record(.success, duration: 1, generation: generations[0], now: 70 * second) == nil)
        #expect(machine.record(.success, duration: 1, generation: generations[1], now: 70 * second) == nil)
        let change = machine.record(.success, duration: 1, generation: generations[2], now: 70 * second)
        #expect(change?.to == .closed)
        #expect(change?.reason == "3 probe calls succeeded")
        #expect(machine.consecutiveTrips == 0)
    }

    @Test("any probe failure re-opens the breaker")
    func probeFailureReopens() {
        var machine = machine()
        for _ in 0..<5 { machine.call(.failure, at: second) }
        machine.call(.success, at: 70 * second)
        let change = machine.call(.failure, at: 70 * second)
        #expect(change?.from == .halfOpen)
        #expect(change?.to == .open)
        #expect(machine.consecutiveTrips == 2)
        #expect(machine.acquirePermit(now: 71 * second) == .rejected(state: .open, retryAfter: .seconds(59)))
    }

    @Test("an ignored probe gives its permit back")
    func ignoredProbeReleasesPermit() {
        var machine = machine { $0.halfOpenPermittedCalls = 1 }
        for _ in 0..<5 { machine.call(.failure, at: second) }
        guard case .permitted(let generation, _) = machine.acquirePermit(now: 70 * second) else { return }
        #expect(machine.acquirePermit(now: 70 * second) == .rejected(state: .halfOpen, retryAfter: nil))
        _ = machine.record(.ignored, duration: 1, generation: generation, now: 70 * second)
        #expect(machine.acquirePermit(now: 70 * second) == .permitted(generation: generation, transition: nil))
    }

    @Test("the open duration grows by the backoff on repeated trips")
    func openDurationBackoff() {
        var machine = machine {
            $0.openDurationBackoff = Backoff(initialInterval: .seconds(10), coefficient: 2, maximumInterval: .seconds(25), jitter: .none)
            $0.halfOpenPermittedCalls = 1
        }
        for _ in 0..<5 { machine.call(.failure, at: 0) }
        #expect(machine.acquirePermit(now: 9 * second) == .rejected(state: .open, retryAfter: .seconds(1)))
        machine.call(.failure, at: 10 * second)   // probe fails: second trip, 20 s
        #expect(machine.acquirePermit(now: 29 * second) == .rejected(state: .open, retryAfter: .seconds(1)))
        machine.call(.failure, at: 30 * second)   // third trip: 40 s capped at 25 s
        #expect(machine.acquirePermit(now: 30 * second) == .rejected(state: .open, retryAfter: .seconds(25)))
    }

    @Test("a result from before a state change does not count against the new state")
    func staleResultsIgnored() {
        var machine = machine()
        guard case .permitted(let oldGeneration, _) = machine.acquirePermit(now: 0) else { return }
        for _ in 0..<5 { machine.call(.failure, at: 0) }
        guard case .permitted(_, _) = machine.acquirePermit(now: 61 * second) else { return }
        #expect(machine.state == .halfOpen)
        // The call admitted while closed fails late: it must not re-open the half-open breaker.
        #expect(machine.record(.failure, duration: 1, generation: oldGeneration, now: 61 * second) == nil)
        #expect(machine.state == .halfOpen)
        #expect(machine.counts.ignored == 1)
        #expect(machine.counts.failures == 5)
    }

    @Test("forced open rejects whatever the time, until forced closed")
    func forcedOpen() {
        var machine = machine()
        let change = machine.forceOpen(reason: "maintenance", now: 0)
        #expect(change == CircuitBreaker.StateChange(name: "test", from: .closed, to: .forcedOpen, reason: "forced open: maintenance"))
        #expect(machine.acquirePermit(now: 1_000_000 * second) == .rejected(state: .forcedOpen, retryAfter: nil))
        #expect(machine.forceClose(reason: "done", now: 0)?.to == .closed)
        let generation = machine.generation
        #expect(machine.acquirePermit(now: 0) == .permitted(generation: generation, transition: nil))
    }

    @Test("disabled permits every call and records nothing")
    func disabled() {
        var machine = machine()
        _ = machine.disable(reason: "test", now: 0)
        for _ in 0..<20 { machine.call(.failure, at: 0) }
        #expect(machine.state == .disabled)
        #expect(machine.counts == CircuitBreakerStateMachine.Counts())
    }

    @Test("metrics-only permits every call, counts it, and never trips")
    func metricsOnly() {
        var machine = machine()
        _ = machine.metricsOnly(reason: "test", now: 0)
        for _ in 0..<20 { machine.call(.failure, at: 0) }
        #expect(machine.state == .metricsOnly)
        #expect(machine.counts.failures == 20)
    }

    @Test("reset closes an open breaker and clears its history")
    func reset() {
        var machine = machine()
        for _ in 0..<5 { machine.call(.failure, at: 0) }
        #expect(machine.reset(now: 0)?.to == .closed)
        #expect(machine.consecutiveTrips == 0)
        #expect(machine.windowTotals(now: 0).calls == 0)
        #expect(machine.reset(now: 0) == nil)
    }

    @Test("a configuration change applies to the live machine")
    func applyConfiguration() {
        var machine = machine()
        for _ in 0..<2 { machine.call(.failure, at: 0) }
        var configuration = machine.configuration
        configuration.consecutiveFailureThreshold = 3
        machine.apply(configuration)
        #expect(machine.call(.failure, at: 0)?.to == .open)
    }
}
