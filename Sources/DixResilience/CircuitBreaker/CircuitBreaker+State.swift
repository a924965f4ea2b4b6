extension CircuitBreaker {
    /// The state of a circuit breaker.
    ///
    /// `closed`, `open` and `halfOpen` are the automatic states; `forcedOpen`, `disabled` and
    /// `metricsOnly` are set by an operator and left only by another operator action.
    public enum State: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// Calls pass; failures are counted towards tripping.
        case closed = 0
        /// Calls are rejected until the open duration has passed.
        case open = 1
        /// A limited number of probe calls pass; their results close or re-open the breaker.
        case halfOpen = 2
        /// Calls are rejected until an operator closes the breaker.
        case forcedOpen = 3
        /// Calls pass and nothing is recorded.
        case disabled = 4
        /// Calls pass and are counted, but the breaker never trips.
        case metricsOnly = 5

        /// The name used in logs and metric labels, e.g. `half-open`.
        public var description: String {
            switch self {
            case .closed: "closed"
            case .open: "open"
            case .halfOpen: "half-open"
            case .forcedOpen: "forced-open"
            case .disabled: "disabled"
            case .metricsOnly: "metrics-only"
            }
        }

        /// Whether calls in this state are admitted without consulting the state machine.
        @inlinable
        var admitsWithoutLock: Bool {
            self == .closed || self == .metricsOnly
        }
    }

    /// A change of state, passed to the state-change callback.
    public struct StateChange: Sendable, Hashable, CustomStringConvertible {
        /// The breaker's name.
        public var name: String
        /// The state left.
        public var from: State
        /// The state entered.
        public var to: State
        /// Why, in words, e.g. `5 consecutive failures`.
        public var reason: String

        /// Creates a state change.
        public init(name: String, from: State, to: State, reason: String) {
            self.name = name
            self.from = from
            self.to = to
            self.reason = reason
        }

        public var description: String {
            "circuit breaker '\(name)': \(from) -> \(to) (\(reason))"
        }
    }
}
