import MetricsTestKit
import Synchronization
import Testing
@testable import DixResilience

@Suite("Bulkhead")
struct BulkheadTests {
    @Test("the state machine admits N, queues up to the limit, rejects the rest, and hands slots over in order")
    func stateMachine() {
        var state = BulkheadState(maximumConcurrentCalls: 2, maximumQueueLength: 2)
        #expect(state.acquire(id: 1) == .admitted)
        #expect(state.acquire(id: 2) == .admitted)
        #expect(state.acquire(id: 3) == .enqueued)
        #expect(state.acquire(id: 4) == .enqueued)
        #expect(state.acquire(id: 5) == .rejected)
        let admittedWhileFull = state.tryAdmit()
        #expect(!admittedWhileFull)
        let removed = state.removeFromQueue(id: 3)
        #expect(removed)
        #expect(state.release() == 4)
        #expect(state.inFlight == 2)
        #expect(state.release() == nil)
        #expect(state.inFlight == 1)
        let admitted = state.tryAdmit()
        #expect(admitted)
    }

    @Test("a full bulkhead rejects with BulkheadFullError")
    func rejectsWhenFull() async throws {
        let metrics = TestMetrics()
        let bulkhead = Bulkhead(name: "db", maximumConcurrentCalls: 1, metricsFactory: metrics)
        try await bulkhead.acquire()
        let error = await #expect(throws: BulkheadFullError.self) { try await bulkhead.call { () } }
        #expect(error?.reason == .queueFull)
        #expect(metrics.counterTotal(label: "bulkhead_rejected_total", dimensions: [("name", "db"), ("reason", "queue_full")]) == 1)
        #expect(try metrics.expectGauge("bulkhead_in_flight", [("name", "db")]).lastValue == 1)
        bulkhead.release()
        #expect(try await bulkhead.call { 7 } == 7)
        #expect(bulkhead.inFlight == 0)
    }

    @Test("a queued call runs when a slot is released")
    func queuedCallRuns() async throws {
        let bulkhead = Bulkhead(name: "db", maximumConcurrentCalls: 1, maximumQueueLength: 1, metricsFactory: TestMetrics())
        try await bulkhead.acquire()
        let queued = Task { try await bulkhead.call { 42 } }
        while bulkhead.queued == 0 { await Task.yield() }
        #expect(bulkhead.inFlight == 1)
        bulkhead.release()
        #expect(try await queued.value == 42)
        #expect(bulkhead.inFlight == 0)
        #expect(bulkhead.queued == 0)
    }

    @Test("a queued call fails after the maximum wait")
    func maximumWait() async throws {
        let clock = ManualClock()
        let bulkhead = Bulkhead(
            name: "db", maximumConcurrentCalls: 1, maximumQueueLength: 1, maximumWait: .seconds(2),
            timeSource: .manual(clock), metricsFactory: TestMetrics())
        try await bulkhead.acquire()
        let queued = Task { try await bulkhead.call { 1 } }
        while clock.sleeperCount == 0 { await Task.yield() }
        clock.advance(by: .seconds(2))
        let error = await #expect(throws: BulkheadFullError.self) { try await queued.value }
        #expect(error?.reason == .waitTimedOut)
        #expect(bulkhead.queued == 0)
        #expect(bulkhead.inFlight == 1)
    }

    @Test("a cancelled queued call leaves the queue")
    func cancelledWhileQueued() async throws {
        let bulkhead = Bulkhead(name: "db", maximumConcurrentCalls: 1, maximumQueueLength: 1, metricsFactory: TestMetrics())
        try await bulkhead.acquire()
        let queued = Task { try await bulkhead.call { 1 } }
        while bulkhead.queued == 0 { await Task.yield() }
        queued.cancel()
        await #expect(throws: CancellationError.self) { try await queued.value }
        #expect(bulkhead.queued == 0)
        bulkhead.release()
        #expect(bulkhead.inFlight == 0)
    }

    @Test("never more than N calls run at once")
    func concurrencyLimit() async throws {
        let bulkhead = Bulkhead(name: "db", maximumConcurrentCalls: 3, maximumQueueLength: 100, metricsFactory: TestMetrics())
        let running = Locked((current: 0, peak: 0))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    try await bulkhead.call {
                        running.withLock { $0.current += 1; $0.peak = max($0.peak, $0.current) }
                        await Task.yield()
                        running.withLock { $0.current -= 1 }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(running.withLock { $0.peak } <= 3)
        #expect(running.withLock { $0.peak } >= 1)
        #expect(bulkhead.inFlight == 0)
    }
}
