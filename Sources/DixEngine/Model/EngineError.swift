/// An error of the engine's own (store, client, worker), with a code callers can match
/// and a message a person can act on.
public struct EngineError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The kinds of engine errors. Extensible: new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let raw: String
        public var description: String { raw }

        /// Bad input from outside: unknown type, bad JSON, bad argument. Exit code 2.
        public static let invalidInput = Code(raw: "invalid input")
        /// No run or workflow with that ID.
        public static let notFound = Code(raw: "not found")
        /// A run with that workflow ID is still open.
        public static let alreadyRunning = Code(raw: "already running")
        /// The run is closed and cannot take the request.
        public static let closed = Code(raw: "closed")
        /// Another worker holds the run's lease.
        public static let leaseLost = Code(raw: "lease lost")
        /// The run's history passed the hard limit.
        public static let historyTooLarge = Code(raw: "history too large")
        /// The database cannot be used (newer schema, corrupt, unreadable).
        public static let storage = Code(raw: "storage")
        /// The workflow failed (for `--wait`).
        public static let workflowFailed = Code(raw: "workflow failed")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// Whether the error is the caller's bad input (CLI exit code 2) rather than a failed operation.
    public var isInvalidInput: Bool { code == .invalidInput }
}
