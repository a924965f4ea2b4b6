import Foundation

/// One health check result of one service, as recorded in health history.
public struct HealthEvent: Sendable, Hashable, Codable {
    /// The service checked, as named in the host config.
    public var service: String
    /// The kind of check: `http`, `process`, `node_sync`, `resources`, ...
    public var type: String
    /// The chain a blockchain node serves, if any.
    public var chain: String?
    /// Whether the check passed.
    public var healthy: Bool
    /// CPU use in percent of one core, when sampled.
    public var cpuPercent: Double?
    /// Resident memory in bytes, when sampled.
    public var memoryBytes: Int64?
    /// Disk I/O (read plus write) in bytes per second, when sampled.
    public var diskIOBytesPerSecond: Double?
    /// Peers of a node, when known.
    public var peers: Int?
    /// Whether a node reports itself synced, when known.
    public var synced: Bool?
    /// Why the check failed.
    public var error: String?
    /// When the check ran. Stored with millisecond precision.
    public var time: Date

    public init(
        service: String, type: String, chain: String? = nil, healthy: Bool, cpuPercent: Double? = nil,
        memoryBytes: Int64? = nil, diskIOBytesPerSecond: Double? = nil, peers: Int? = nil, synced: Bool? = nil,
        error: String? = nil, time: Date = Date()
    ) {
        self.service = service
        self.type = type
        self.chain = chain
        self.healthy = healthy
        self.cpuPercent = cpuPercent
        self.memoryBytes = memoryBytes
        self.diskIOBytesPerSecond = diskIOBytesPerSecond
        self.peers = peers
        self.synced = synced
        self.error = error
        self.time = time
    }
}
