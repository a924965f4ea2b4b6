/// Thrown when a bulkhead does not admit a call: its queue is full, or the call waited too long.
public struct BulkheadFullError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why the call was rejected.
    public struct Reason: Sendable, Hashable, CustomStringConvertible {
        /// The reason's name, used as the `reason` metric label.
        public let description: String

        /// Every slot was taken and the queue was full.
        public static let queueFull = Reason(description: "queue_full")
        /// The call waited in the queue for the maximum wait without getting a slot.
        public static let waitTimedOut = Reason(description: "wait_timed_out")
    }

    /// The bulkhead's name.
    public var name: String
    /// Why the call was rejected.
    public var reason: Reason
    /// The bulkhead's concurrency limit.
    public var maximumConcurrentCalls: Int
    /// The bulkhead's queue limit.
    public var maximumQueueLength: Int

    /// Creates the error.
    public init(name: String, reason: Reason, maximumConcurrentCalls: Int, maximumQueueLength: Int) {
        self.name = name
        self.reason = reason
        self.maximumConcurrentCalls = maximumConcurrentCalls
        self.maximumQueueLength = maximumQueueLength
    }

    public var description: String {
        switch reason {
        case .waitTimedOut:
            return "bulkhead '\(name)' had no free slot (of \(maximumConcurrentCalls)) within the maximum wait"
        default:
            return "bulkhead '\(name)' is full: \(maximumConcurrentCalls) call(s) in flight and \(maximumQueueLength) queued"
        }
    }
}
