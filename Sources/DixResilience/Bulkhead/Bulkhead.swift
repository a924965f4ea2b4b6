import CoreMetrics
import Synchronization

/// Limits concurrent calls to a dependency: at most N in flight, a bounded queue, a maximum wait.
///
/// ```swift
/// let bulkhead = Bulkhead(name: "postgres", maximumConcurrentCalls: 8, maximumQueueLength: 32, maximumWait: .seconds(2))
/// let rows = try await bulkhead.call { try await database.query(sql) }   // or BulkheadFullError
/// ```
public final class Bulkhead: Sendable {
    private struct Waiter {
        var continuation: CheckedContinuation<Void, any Error>
        var timer: Task<Void, Never>?
    }

    private struct State {
        var machine: BulkheadState
        var waiters: [UInt64: Waiter] = [:]
        var nextID: UInt64 = 0
    }

    /// The bulkhead's name, also its metric label.
    public let name: String
    /// How long a queued call waits for a slot before failing; nil waits until cancelled.
    public let maximumWait: Duration?
    private let state: Mutex<State>
    private let timeSource: TimeSource
    private let inFlightGauge: Gauge
    private let queuedGauge: Gauge
    private let factory: any MetricsFactory

    /// Creates an empty bulkhead.
    public init(
        name: String, maximumConcurrentCalls: Int, maximumQueueLength: Int = 0, maximumWait: Duration? = nil,
        timeSource: TimeSource = .monotonic, metricsFactory: (any MetricsFactory)? = nil
    ) {
        let factory = metricsFactory ?? MetricsSystem.factory
        self.name = name
        self.maximumWait = maximumWait
        self.timeSource = timeSource
        self.factory = factory
        self.state = Mutex(State(machine: BulkheadState(
            maximumConcurrentCalls: maximumConcurrentCalls, maximumQueueLength: maximumQueueLength)))
        self.inFlightGauge = Gauge(label: "bulkhead_in_flight", dimensions: [("name", name)], factory: factory)
        self.queuedGauge = Gauge(label: "bulkhead_queued", dimensions: [("name", name)], factory: factory)
    }

    /// Runs `operation` once a slot is free; throws ``BulkheadFullError`` if none is free in time.
    public func call<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ operation: () async throws -> T
    ) async throws -> T {
        try await acquire()
        defer { release() }
        return try await operation()
    }

    /// Takes a slot, waiting in the queue if needed; pair with ``release()``.
    public func acquire() async throws {
        try Task.checkCancellation()
        if state.withLock({ $0.machine.tryAdmit() }) {
            report()
            return
        }
        try await waitForSlot()
    }

    /// Gives a slot back, handing it to the oldest queued call if any.
    public func release() {
        let next: Waiter? = state.withLock { state in
            guard let id = state.machine.release() else { return nil }
            return state.waiters.removeValue(forKey: id)
        }
        next?.timer?.cancel()
        next?.continuation.resume()
        report()
    }

    /// Calls in flight.
    public var inFlight: Int { state.withLock { $0.machine.inFlight } }
    /// Calls waiting for a slot.
    public var queued: Int { state.withLock { $0.machine.queue.count } }

    private func waitForSlot() async throws {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let decision: BulkheadState.Decision? = state.withLock { state in
                    if Task.isCancelled { return nil }
                    let decision = state.machine.acquire(id: id)
                    if decision == .enqueued { state.waiters[id] = Waiter(continuation: continuation) }
                    return decision
                }
                switch decision {
                case nil:
                    continuation.resume(throwing: CancellationError())
                case .admitted:
                    continuation.resume()
                case .rejected:
                    rejectedCounter(.queueFull).increment()
                    continuation.resume(throwing: error(.queueFull))
                case .enqueued:
                    startTimer(for: id)
                }
                report()
            }
        } onCancel: {
            giveUp(id, with: CancellationError())
        }
    }

    private func startTimer(for id: UInt64) {
        guard let maximumWait else { return }
        let timer = Task { [timeSource] in
            do {
                try await timeSource.sleep(for: maximumWait)
            } catch {
                return
            }
            giveUp(id, with: self.error(.waitTimedOut))
        }
        let stillWaiting = state.withLock { state in
            guard state.waiters[id] != nil else { return false }
            state.waiters[id]?.timer = timer
            return true
        }
        if !stillWaiting { timer.cancel() }
    }

    /// Takes the call `id` out of the queue, if still there, and fails it with `failure`.
    private func giveUp(_ id: UInt64, with failure: any Error) {
        let waiter: Waiter? = state.withLock { state in
            guard state.machine.removeFromQueue(id: id) else { return nil }
            return state.waiters.removeValue(forKey: id)
        }
        guard let waiter else { return }
        waiter.timer?.cancel()
        if failure is BulkheadFullError { rejectedCounter(.waitTimedOut).increment() }
        waiter.continuation.resume(throwing: failure)
        report()
    }

    private func error(_ reason: BulkheadFullError.Reason) -> BulkheadFullError {
        let (concurrent, queueLength) = state.withLock { ($0.machine.maximumConcurrentCalls, $0.machine.maximumQueueLength) }
        return BulkheadFullError(name: name, reason: reason, maximumConcurrentCalls: concurrent, maximumQueueLength: queueLength)
    }

    private func rejectedCounter(_ reason: BulkheadFullError.Reason) -> Counter {
        Counter(label: "bulkhead_rejected_total", dimensions: [("name", name), ("reason", reason.description)], factory: factory)
    }

    private func report() {
        let (inFlight, queued) = state.withLock { ($0.machine.inFlight, $0.machine.queue.count) }
        inFlightGauge.record(inFlight)
        queuedGauge.record(queued)
    }
}
