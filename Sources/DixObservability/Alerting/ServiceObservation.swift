import Foundation

/// What is known about a service at one moment, as alert rules see it.
///
/// Built by the health check flow from a check's result, its resource sample and the service's
/// recent restarts; every field but `service` and `time` is optional so a check fills in only
/// what it measured.
public struct ServiceObservation: Sendable, Hashable {
    public var service: String
    public var time: Date
    /// Whether the last health check passed.
    public var healthy: Bool?
    /// Failed checks in a row, including the last.
    public var consecutiveFailures: Int
    /// Whether the service's process or unit is running.
    public var running: Bool?
    /// Whether the service answers but reports itself degraded (slow, partial).
    public var degraded: Bool?
    /// The last check's error.
    public var error: String?
    public var cpuPercent: Double?
    public var memoryBytes: Int64?
    public var diskIOBytesPerSecond: Double?
    /// Restarts of the service, any age; the restart loop rule counts those in its window.
    public var restarts: [Date]
    /// For blockchain nodes.
    public var synced: Bool?
    public var blocksBehind: Int?
    public var peers: Int?
    public var chain: String?
    /// A dependency whose wait timed out, if any.
    public var timedOutDependency: String?
    /// Names of circuit breakers guarding this service that are open.
    public var openCircuits: [String]

    public init(
        service: String, time: Date = Date(), healthy: Bool? = nil, consecutiveFailures: Int = 0,
        running: Bool? = nil, degraded: Bool? = nil, error: String? = nil, cpuPercent: Double? = nil,
        memoryBytes: Int64? = nil, diskIOBytesPerSecond: Double? = nil, restarts: [Date] = [], synced: Bool? = nil,
        blocksBehind: Int? = nil, peers: Int? = nil, chain: String? = nil, timedOutDependency: String? = nil,
        openCircuits: [String] = []
    ) {
        self.service = service
        self.time = time
        self.healthy = healthy
        self.consecutiveFailures = consecutiveFailures
        self.running = running
        self.degraded = degraded
        self.error = error
        self.cpuPercent = cpuPercent
        self.memoryBytes = memoryBytes
        self.diskIOBytesPerSecond = diskIOBytesPerSecond
        self.restarts = restarts
        self.synced = synced
        self.blocksBehind = blocksBehind
        self.peers = peers
        self.chain = chain
        self.timedOutDependency = timedOutDependency
        self.openCircuits = openCircuits
    }
}
