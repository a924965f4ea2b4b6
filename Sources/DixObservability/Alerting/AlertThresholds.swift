/// The thresholds of the default alert rules, from the host config.
public struct AlertThresholds: Sendable, Hashable, Codable {
    public var cpuWarningPercent: Double = 80
    public var cpuCriticalPercent: Double = 95
    public var memoryWarningBytes: Int64 = 2 << 30
    public var memoryCriticalBytes: Int64 = 4 << 30
    /// 100 MB/s.
    public var diskIOWarningBytesPerSecond: Double = 100_000_000
    /// A restart loop is this many restarts ...
    public var restartLoopCount: Int = 3
    /// ... within this many seconds (10 minutes).
    public var restartLoopWindowSeconds: Double = 600
    /// Failed checks in a row after which a running service counts as down.
    public var downAfterConsecutiveFailures: Int = 3
    /// Fewer peers than this is a low peer count.
    public var minimumPeers: Int = 3
    /// A node not synced and this many blocks behind is stalled (after ``syncStalledForSeconds``).
    public var syncStalledBlocksBehind: Int = 100
    public var syncStalledForSeconds: Double = 600
    /// How long CPU, memory and disk I/O must stay high before alerting.
    public var resourceForSeconds: Double = 120

    public init() {}
}
