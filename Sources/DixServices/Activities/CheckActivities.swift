import DixEngine

/// Runs an HTTP health check (`checks.http`).
///
/// By default an unhealthy result is returned (and recorded) like a healthy one; with
/// `throwsWhenUnhealthy` the failure is thrown so the engine's retry policy applies.
public struct HTTPCheckActivity: Activity {
    public static let name = "checks.http"
    public let checker: HTTPHealthChecker
    public let throwsWhenUnhealthy: Bool

    public init(checker: HTTPHealthChecker = HTTPHealthChecker(), throwsWhenUnhealthy: Bool = false) {
        self.checker = checker
        self.throwsWhenUnhealthy = throwsWhenUnhealthy
    }

    public func run(_ input: HTTPCheck, context: ActivityContext) async throws -> HTTPCheckResult {
        let result = try await checker.check(input)
        if throwsWhenUnhealthy { try result.requireHealthy() }
        return result
    }
}

/// Checks a Substrate/Polkadot node's sync state (`checks.node-sync`). JSON-RPC errors and
/// malformed answers throw ``NodeSyncError``.
public struct NodeSyncCheckActivity: Activity {
    public static let name = "checks.node-sync"
    public let checker: NodeSyncChecker

    public init(checker: NodeSyncChecker = NodeSyncChecker()) { self.checker = checker }

    public func run(_ input: NodeSyncCheck, context: ActivityContext) async throws
        -> NodeSyncResult
    {
        try await checker.check(input)
    }
}

/// Samples a process's CPU, memory and disk I/O from /proc (`checks.resources`). A vanished
/// process is the result `.vanished`, not an error.
public struct ResourceSampleActivity: Activity {
    public static let name = "checks.resources"
    public let sampler: ResourceSampler

    public init(sampler: ResourceSampler = ResourceSampler()) { self.sampler = sampler }

    public func run(_ input: ResourceSampleRequest, context: ActivityContext) async throws
        -> ResourceSampleOutcome
    {
        try await sampler.sample(input)
    }
}

/// Waits for a TCP port or an HTTP check (`checks.dependency-wait`), heartbeating after each
/// failed attempt; throws ``DependencyWaitError`` after its timeout.
public struct DependencyWaitActivity: Activity {
    public static let name = "checks.dependency-wait"
    public let waiter: DependencyWaiter

    public init(waiter: DependencyWaiter = DependencyWaiter()) { self.waiter = waiter }

    public func run(_ input: DependencyWait, context: ActivityContext) async throws
        -> DependencyWaitResult
    {
        try await waiter.wait(for: input) { attempt, failure in
            context.heartbeat("attempt \(attempt): \(failure)")
        }
    }
}
