/// When the direct manager restarts a process that ended without being asked to.
public enum RestartPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Never restart.
    case never
    /// Restart after a non-zero exit code, a signal, or an end whose status is unknown.
    case onFailure = "on-failure"
    /// Restart after any end.
    case always
}
