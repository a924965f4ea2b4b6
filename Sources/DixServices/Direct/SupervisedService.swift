import Foundation

/// The direct manager's record of one service: its definition and where supervision stands.
struct SupervisedService: Sendable {
    enum Phase: Sendable, Hashable {
        case stopped, running, stopping, waitingToRestart, failed
    }

    /// One live process of the service.
    struct RunningProcess: Sendable {
        var pid: Int32
        var startedAt: Date
        /// Resolved when the process has ended.
        var exit: OneShot<ProcessExit>
        /// Re-adopted from a PID file: not our child, so its exit status is unknown.
        var adopted: Bool
    }

    var definition: DirectServiceDefinition
    var phase: Phase = .stopped
    var current: RunningProcess?
    var lastStartedAt: Date?
    var lastExit: ProcessExit?
    /// Automatic restarts since the last explicit start.
    var restartCount = 0
    var stopRequested = false
    var failureReason: String?
    /// Bumped by every launch and stop, so late callbacks of an older process change nothing.
    var generation = 0
    var pendingRestart: Task<Void, Never>?
    /// Supervision ended without stopping (shutdown for re-adoption).
    var detached = false

    init(definition: DirectServiceDefinition) {
        self.definition = definition
    }

    var status: ServiceStatus {
        let (state, subState): (ServiceActiveState, String) =
            switch phase {
            case .running: (.active, "running")
            case .stopping: (.deactivating, "stop-sigterm")
            case .waitingToRestart: (.activating, "auto-restart")
            case .stopped: (.inactive, "dead")
            case .failed: (.failed, "failed")
            }
        return ServiceStatus(
            name: definition.name, activeState: state, subState: subState, mainPID: current?.pid,
            restartCount: restartCount, startedAt: current?.startedAt ?? lastStartedAt,
            lastExit: lastExit, detail: phase == .failed ? failureReason ?? lastExit?.description : nil)
    }
}
