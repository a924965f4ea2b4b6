/// Which process to sample, and how.
public struct ResourceSampleRequest: Sendable, Hashable, Codable {
    public var pid: Int32
    /// Add up the process and all its descendants.
    public var includeChildren: Bool
    /// The CPU and I/O rate window.
    public var window: Duration

    public init(pid: Int32, includeChildren: Bool = false, window: Duration = .milliseconds(100)) {
        self.pid = pid
        self.includeChildren = includeChildren
        self.window = window
    }
}
