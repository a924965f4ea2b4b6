import Foundation

/// A snapshot of one service's state, in systemd's vocabulary for both backends.
public struct ServiceStatus: Sendable, Hashable, Codable {
    /// The service (unit name or direct service name).
    public var name: String
    /// The high-level state: active, inactive, activating, deactivating, failed.
    public var activeState: ServiceActiveState
    /// The backend's finer state, e.g. `running`, `dead`, `auto-restart`, `exited`.
    public var subState: String
    /// The PID of the main process while there is one. For systemd in a PID namespace this is
    /// the namespace's number.
    public var mainPID: Int32?
    /// How often the backend restarted the service automatically.
    public var restartCount: Int
    /// When the current (or last) main process started.
    public var startedAt: Date?
    /// How the last main process ended, when known.
    public var lastExit: ProcessExit?
    /// Whether the service is known at all (`false` for an unknown systemd unit).
    public var isLoaded: Bool
    /// Why it is failed or down, when the backend says: systemd's `Result` (`exit-code`,
    /// `signal`, `start-limit-hit`...), or the direct manager's reason (a spawn error, the
    /// maximum restart count reached).
    public var detail: String?

    public init(
        name: String, activeState: ServiceActiveState, subState: String, mainPID: Int32? = nil,
        restartCount: Int = 0, startedAt: Date? = nil, lastExit: ProcessExit? = nil,
        isLoaded: Bool = true, detail: String? = nil
    ) {
        self.name = name
        self.activeState = activeState
        self.subState = subState
        self.mainPID = mainPID
        self.restartCount = restartCount
        self.startedAt = startedAt
        self.lastExit = lastExit
        self.isLoaded = isLoaded
        self.detail = detail
    }

    /// Whether the service is up.
    public var isActive: Bool { activeState == .active }
}
