/// What to do when a supervised process ends: a pure function of the policy and the history,
/// so the supervisor's rules are tested without processes.
public enum RestartDecision: Sendable, Hashable {
    /// Leave it down; `failed` tells whether the end counts as a failure.
    case stayDown(failed: Bool)
    /// Start it again after the restart delay.
    case restart
    /// It should restart but has used up its maximum restart count.
    case giveUp(reason: String)

    /// Decides for one end of a process.
    ///
    /// - Parameters:
    ///   - exit: how the process ended.
    ///   - policy: the service's restart policy.
    ///   - restartsSoFar: automatic restarts since the last explicit start.
    ///   - maximumRestarts: the cap on automatic restarts; `nil` means no cap.
    ///   - stopRequested: whether the end was asked for (stop, restart).
    public static func decide(
        after exit: ProcessExit, policy: RestartPolicy, restartsSoFar: Int, maximumRestarts: Int?,
        stopRequested: Bool
    ) -> RestartDecision {
        if stopRequested { return .stayDown(failed: false) }
        let failed = !exit.isSuccess
        let wantsRestart: Bool =
            switch policy {
            case .never: false
            case .onFailure: failed
            case .always: true
            }
        guard wantsRestart else { return .stayDown(failed: failed) }
        if let maximumRestarts, restartsSoFar >= maximumRestarts {
            return .giveUp(
                reason: "\(exit); maximum restart count \(maximumRestarts) reached")
        }
        return .restart
    }
}
