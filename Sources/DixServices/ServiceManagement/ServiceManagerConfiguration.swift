import Logging

/// Everything ``ProcessManagerKind/makeManager(_:)`` needs for either backend.
public struct ServiceManagerConfiguration: Sendable {
    /// Watch (dry run) unless execute is asked for.
    public var mode: ServiceManagerMode
    public var systemd: SystemdConfiguration
    /// Required for the direct backend.
    public var direct: DirectManagerConfiguration?
    public var logger: Logger

    public init(
        mode: ServiceManagerMode = .watch, systemd: SystemdConfiguration = .init(),
        direct: DirectManagerConfiguration? = nil,
        logger: Logger = Logger(label: "dixmgr.services")
    ) {
        self.mode = mode
        self.systemd = systemd
        self.direct = direct
        self.logger = logger
    }
}
