/// What an alert is about. A struct over a string so custom rules can add their own types.
public struct AlertType: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public var description: String { rawValue }

    public static let serviceDown: AlertType = "service_down"
    public static let serviceDegraded: AlertType = "service_degraded"
    public static let highCPU: AlertType = "high_cpu"
    public static let highMemory: AlertType = "high_memory"
    public static let highDiskIO: AlertType = "high_disk_io"
    public static let restartLoop: AlertType = "restart_loop"
    public static let syncStalled: AlertType = "sync_stalled"
    public static let lowPeerCount: AlertType = "low_peer_count"
    public static let dependencyTimeout: AlertType = "dependency_timeout"
    public static let healthCheckFailed: AlertType = "health_check_failed"
    public static let circuitOpen: AlertType = "circuit_open"

    /// The built-in types, each with a default rule.
    public static let builtIn: [AlertType] = [
        .serviceDown, .serviceDegraded, .highCPU, .highMemory, .highDiskIO, .restartLoop, .syncStalled,
        .lowPeerCount, .dependencyTimeout, .healthCheckFailed, .circuitOpen,
    ]
}
