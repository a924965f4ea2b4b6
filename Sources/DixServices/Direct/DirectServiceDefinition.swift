/// A plain process the direct manager runs and supervises.
///
/// ```swift
/// let node = DirectServiceDefinition(
///     name: "polkadot", executable: "/usr/bin/polkadot", arguments: ["--chain", "kusama"],
///     restartPolicy: .onFailure, restartDelay: .seconds(5), maximumRestarts: 10)
/// ```
public struct DirectServiceDefinition: Sendable, Hashable, Codable {
    /// The service name: letters, digits, '.', '_', '-', '@'; it names the PID and log files.
    public var name: String
    /// The program: a path, or a name looked up in PATH.
    public var executable: String
    public var arguments: [String]
    /// The working directory; the manager's own when nil.
    public var workingDirectory: String?
    /// Variables set on top of the inherited environment (or instead of it, see below).
    public var environment: [String: String]
    /// Whether the process inherits dixmgr's environment.
    public var inheritEnvironment: Bool
    /// The user to run as (name or numeric ID); needs root.
    public var user: String?
    /// The group to run as (name or numeric ID); the user's primary group when only `user` is set.
    public var group: String?
    public var restartPolicy: RestartPolicy
    /// The pause before an automatic restart.
    public var restartDelay: Duration
    /// The cap on automatic restarts after an explicit start; nil means no cap.
    public var maximumRestarts: Int?
    /// How long a stop waits after SIGTERM before sending SIGKILL.
    public var stopGracePeriod: Duration
    /// The size at which the log file is rotated.
    public var logMaximumBytes: Int
    /// How many rotated log files are kept (`name.log.1` is the newest).
    public var logFilesKept: Int

    public init(
        name: String, executable: String, arguments: [String] = [],
        workingDirectory: String? = nil, environment: [String: String] = [:],
        inheritEnvironment: Bool = true, user: String? = nil, group: String? = nil,
        restartPolicy: RestartPolicy = .onFailure, restartDelay: Duration = .seconds(1),
        maximumRestarts: Int? = 5, stopGracePeriod: Duration = .seconds(10),
        logMaximumBytes: Int = 10 << 20, logFilesKept: Int = 3
    ) {
        self.name = name
        self.executable = executable
        self.arguments = arguments
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.inheritEnvironment = inheritEnvironment
        self.user = user
        self.group = group
        self.restartPolicy = restartPolicy
        self.restartDelay = restartDelay
        self.maximumRestarts = maximumRestarts
        self.stopGracePeriod = stopGracePeriod
        self.logMaximumBytes = logMaximumBytes
        self.logFilesKept = logFilesKept
    }

    /// Checks the name (it becomes a file name) and the numbers.
    public func validate() throws(ServiceManagerError) {
        func reject(_ why: String) -> ServiceManagerError {
            ServiceManagerError(.invalidConfiguration, service: name, why)
        }
        try Self.validate(name: name)
        guard !executable.isEmpty else { throw reject("executable is empty") }
        guard maximumRestarts.map({ $0 >= 0 }) ?? true else {
            throw reject("maximumRestarts is negative")
        }
        guard logMaximumBytes > 0 else { throw reject("logMaximumBytes must be positive") }
        guard logFilesKept >= 0 else { throw reject("logFilesKept is negative") }
        guard restartDelay >= .zero, stopGracePeriod >= .zero else {
            throw reject("restartDelay and stopGracePeriod must not be negative")
        }
    }

    /// Checks a direct service name.
    public static func validate(name: String) throws(ServiceManagerError) {
        func reject(_ why: String) -> ServiceManagerError {
            ServiceManagerError(.invalidServiceName, service: name, why)
        }
        guard !name.isEmpty else { throw reject("service name is empty") }
        guard name.utf8.count <= 200 else { throw reject("service name is longer than 200 bytes") }
        guard !name.hasPrefix("-"), !name.hasPrefix(".") else {
            throw reject("service name starts with '\(name.first!)'")
        }
        for scalar in name.unicodeScalars {
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-", "@": continue
            default:
                throw reject(
                    "character \(String(reflecting: String(scalar))) is not allowed"
                        + " (allowed: ASCII letters, digits, '.', '_', '-', '@')")
            }
        }
    }
}
