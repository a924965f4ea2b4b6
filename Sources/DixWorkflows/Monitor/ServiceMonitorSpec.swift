import DixServices
import Foundation

/// What the monitor of one service checks, how often, and what it does about failures.
///
/// dixmgr builds one from each `[[monitor]]` table of its configuration and runs it as the
/// workflow `monitor/<service>`; a changed spec reaches the running monitor as a signal.
///
/// ```swift
/// let spec = ServiceMonitorSpec(
///     service: "nginx", intervalSeconds: 30,
///     http: HTTPCheck(url: "http://127.0.0.1/health", jsonPath: "status"))
/// ```
public struct ServiceMonitorSpec: Sendable, Hashable, Codable {
    /// The service's name in the service manager, health history, metrics and alerts.
    public var service: String
    /// Seconds between the end of one round of checks and the start of the next.
    public var intervalSeconds: Double
    /// Ask the service manager whether the service runs (and for its main PID and restarts).
    public var checkStatus: Bool
    /// Sample CPU, memory and disk I/O of the service's process tree (needs `checkStatus`).
    public var sampleResources: Bool
    public var http: HTTPCheck?
    public var nodeSync: NodeSyncCheck?
    /// The chain a blockchain node serves, as a label on its health events and alerts.
    public var chain: String?
    /// Attempts of each check before it counts as failed (the engine retries in between).
    public var checkAttempts: Int
    /// Restart the service after this many failed rounds in a row, and again after as many more;
    /// 0 never restarts. In watch mode the restart is only logged.
    public var restartAfterFailures: Int
    /// Rounds per run before the monitor continues as a new run, which bounds its history.
    public var roundsPerRun: Int

    public init(
        service: String, intervalSeconds: Double = 30, checkStatus: Bool = true, sampleResources: Bool = true,
        http: HTTPCheck? = nil, nodeSync: NodeSyncCheck? = nil, chain: String? = nil, checkAttempts: Int = 3,
        restartAfterFailures: Int = 0, roundsPerRun: Int = 100
    ) {
        self.service = service
        self.intervalSeconds = intervalSeconds
        self.checkStatus = checkStatus
        self.sampleResources = sampleResources
        self.http = http
        self.nodeSync = nodeSync
        self.chain = chain
        self.checkAttempts = checkAttempts
        self.restartAfterFailures = restartAfterFailures
        self.roundsPerRun = roundsPerRun
    }

    /// The workflow ID of this service's monitor.
    public var workflowID: String { ServiceMonitorWorkflow.workflowID(for: service) }

    /// Why the spec cannot run, or nil.
    public var problem: String? {
        if service.isEmpty { return "service must not be empty" }
        if !(intervalSeconds > 0) { return "interval must be positive, got \(intervalSeconds)" }
        if checkAttempts < 1 { return "check attempts must be at least 1, got \(checkAttempts)" }
        if restartAfterFailures < 0 { return "restart after failures must not be negative, got \(restartAfterFailures)" }
        if roundsPerRun < 1 { return "rounds per run must be at least 1, got \(roundsPerRun)" }
        if sampleResources && !checkStatus { return "sampling resources needs the status check (it gives the PID)" }
        if !checkStatus && http == nil && nodeSync == nil { return "nothing to check: enable status, http or node_sync" }
        return nil
    }

    /// The kind of check recorded in health history: the most specific one configured.
    var checkType: String {
        if nodeSync != nil { return "node_sync" }
        if http != nil { return "http" }
        return "process"
    }
}

/// What a monitor remembers from one round to the next, carried over continue-as-new.
public struct ServiceMonitorState: Sendable, Hashable, Codable {
    /// Failed rounds in a row.
    public var consecutiveFailures = 0
    /// The service manager's restart count at the last status check.
    public var managerRestartCount: Int?
    /// Restarts seen in the last hour, by the monitor or the service manager; the restart loop
    /// alert counts them.
    public var recentRestarts: [Date] = []
    /// The node's block progress at the last sync check, so stall detection survives restarts.
    public var nodeProgress: BlockProgress?
    /// Rounds run since the monitor started, over all its runs.
    public var rounds = 0

    public init() {}
}

/// The input of ``ServiceMonitorWorkflow``.
public struct ServiceMonitorInput: Sendable, Hashable, Codable {
    public var spec: ServiceMonitorSpec
    public var state: ServiceMonitorState

    public init(spec: ServiceMonitorSpec, state: ServiceMonitorState = ServiceMonitorState()) {
        self.spec = spec
        self.state = state
    }
}

/// One round of checks of one service, as the monitor hands it to ``RecordHealthActivity``.
public struct HealthReport: Sendable, Hashable, Codable {
    public var service: String
    /// The check type recorded in health history (`http`, `node_sync`, `process`).
    public var checkType: String
    public var chain: String?
    public var time: Date
    public var healthy: Bool
    public var consecutiveFailures: Int
    /// Why the round failed: every failed check, `; `-separated.
    public var error: String?
    public var running: Bool?
    public var cpuPercent: Double?
    public var memoryBytes: Int64?
    public var diskReadBytesPerSecond: Double?
    public var diskWriteBytesPerSecond: Double?
    public var synced: Bool?
    public var peers: Int?
    public var blocksBehind: Int?
    /// Circuit breakers that refused a check this round.
    public var openCircuits: [String] = []
    /// Restarts that happened since the last round.
    public var restarts: [RestartReport] = []
    /// Every restart in the last hour, this round's included.
    public var recentRestarts: [Date] = []

    public init(service: String, checkType: String, chain: String? = nil, time: Date, healthy: Bool = true) {
        self.service = service
        self.checkType = checkType
        self.chain = chain
        self.time = time
        self.healthy = healthy
        consecutiveFailures = 0
    }
}

/// A restart of a service, by the monitor or noticed in the service manager's restart count.
public struct RestartReport: Sendable, Hashable, Codable {
    public var reason: String
    public var success: Bool
    public var time: Date

    public init(reason: String, success: Bool, time: Date) {
        self.reason = reason
        self.success = success
        self.time = time
    }
}
