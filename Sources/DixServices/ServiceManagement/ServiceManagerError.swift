/// A service operation that could not be done.
///
/// ```swift
/// catch let error as ServiceManagerError where error.code == .invalidServiceName { ... }
/// ```
public struct ServiceManagerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure, extensible without breaking callers.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The name is not a valid unit or service name (and no command was run).
        public static let invalidServiceName = Code(rawValue: "invalid-service-name")
        /// The direct manager has no definition for this name.
        public static let unknownService = Code(rawValue: "unknown-service")
        /// `systemctl` or `journalctl` exited non-zero or could not be run.
        public static let commandFailed = Code(rawValue: "command-failed")
        /// A command's output could not be understood.
        public static let unexpectedOutput = Code(rawValue: "unexpected-output")
        /// A process could not be spawned (missing executable, bad user, unwritable log).
        public static let spawnFailed = Code(rawValue: "spawn-failed")
        /// A process could not be signalled or did not end.
        public static let stopFailed = Code(rawValue: "stop-failed")
        /// The configuration is unusable (bad kind, missing directory, unknown user).
        public static let invalidConfiguration = Code(rawValue: "invalid-configuration")
    }

    public var code: Code
    /// The unit or service the error is about.
    public var service: String?
    public var message: String

    public init(_ code: Code, service: String? = nil, _ message: String) {
        self.code = code
        self.service = service
        self.message = message
    }

    public var description: String {
        if let service { return "\(code): \(service): \(message)" }
        return "\(code): \(message)"
    }
}
