/// Where the direct manager keeps its files and which services it runs.
public struct DirectManagerConfiguration: Sendable, Hashable, Codable {
    /// PID files and state go to `stateDirectory/run`, logs to `stateDirectory/logs`
    /// unless `logDirectory` is set.
    public var stateDirectory: String
    public var logDirectory: String?
    public var services: [DirectServiceDefinition]
    /// How often running services' log files are checked against their maximum size.
    public var logRotationCheckInterval: Duration

    public init(
        stateDirectory: String, logDirectory: String? = nil,
        services: [DirectServiceDefinition] = [], logRotationCheckInterval: Duration = .seconds(1)
    ) {
        self.stateDirectory = stateDirectory
        self.logDirectory = logDirectory
        self.services = services
        self.logRotationCheckInterval = logRotationCheckInterval
    }

    var runDirectory: String { stateDirectory + "/run" }
    var resolvedLogDirectory: String { logDirectory ?? stateDirectory + "/logs" }
}
