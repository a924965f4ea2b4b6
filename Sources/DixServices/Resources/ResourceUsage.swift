/// A process's (or process tree's) resource use over one sampling window.
public struct ResourceUsage: Sendable, Hashable, Codable {
    public var pid: Int32
    /// How many processes were added up (1 without children).
    public var processCount: Int
    /// User plus system CPU time per wall time, per core: two busy cores is 200.
    public var cpuPercent: Double
    /// Resident memory (VmRSS) at the end of the window.
    public var residentMemoryBytes: UInt64
    /// Storage reads per second (/proc/PID/io read_bytes); nil when /proc/PID/io is not readable.
    public var diskReadBytesPerSecond: Double?
    /// Storage writes per second (/proc/PID/io write_bytes); nil when not readable.
    public var diskWriteBytesPerSecond: Double?
    /// The measured window in seconds.
    public var windowSeconds: Double
}

/// The result of sampling: usage, or the fact that the process is gone.
public enum ResourceSampleOutcome: Sendable, Hashable, Codable {
    case sampled(ResourceUsage)
    /// The process did not exist, or ended during the window.
    case vanished(pid: Int32)

    /// The usage when the process was there.
    public var usage: ResourceUsage? {
        if case .sampled(let usage) = self { return usage }
        return nil
    }
}
