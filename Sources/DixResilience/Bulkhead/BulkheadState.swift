/// The pure state of a bulkhead: at most `maximumConcurrentCalls` in flight, then a bounded
/// first-in first-out queue.
///
/// ```swift
/// var state = BulkheadState(maximumConcurrentCalls: 1, maximumQueueLength: 1)
/// state.acquire(id: 1)     // .admitted
/// state.acquire(id: 2)     // .enqueued
/// state.acquire(id: 3)     // .rejected
/// state.release()          // 2: now in flight
/// ```
public struct BulkheadState: Sendable, Hashable {
    /// The answer to a request to enter.
    public enum Decision: Sendable, Hashable {
        /// In flight now.
        case admitted
        /// Waiting in the queue.
        case enqueued
        /// Neither a slot nor room in the queue.
        case rejected
    }

    /// The most calls in flight at once.
    public let maximumConcurrentCalls: Int
    /// The most calls waiting for a slot.
    public let maximumQueueLength: Int
    /// Calls in flight.
    public private(set) var inFlight = 0
    /// Waiting calls, oldest first.
    public private(set) var queue: [UInt64] = []

    /// Creates an empty bulkhead.
    public init(maximumConcurrentCalls: Int, maximumQueueLength: Int) {
        self.maximumConcurrentCalls = max(1, maximumConcurrentCalls)
        self.maximumQueueLength = max(0, maximumQueueLength)
    }

    /// Asks to enter for the call `id`.
    public mutating func acquire(id: UInt64) -> Decision {
        if inFlight < maximumConcurrentCalls && queue.isEmpty {
            inFlight += 1
            return .admitted
        }
        if queue.count < maximumQueueLength {
            queue.append(id)
            return .enqueued
        }
        return .rejected
    }

    /// Admits a call only if a slot is free and nobody is queued; never enqueues.
    public mutating func tryAdmit() -> Bool {
        guard inFlight < maximumConcurrentCalls && queue.isEmpty else { return false }
        inFlight += 1
        return true
    }

    /// A call left; returns the queued call that takes its slot, if any.
    public mutating func release() -> UInt64? {
        if !queue.isEmpty { return queue.removeFirst() }
        inFlight = max(0, inFlight - 1)
        return nil
    }

    /// Removes a queued call that gave up (timed out or cancelled); returns whether it was queued.
    public mutating func removeFromQueue(id: UInt64) -> Bool {
        guard let index = queue.firstIndex(of: id) else { return false }
        queue.remove(at: index)
        return true
    }
}
