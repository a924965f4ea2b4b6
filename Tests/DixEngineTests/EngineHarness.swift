import DixEngine
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// A worker on a temporary database, with the test workflows registered.
struct EngineHarness {
    let directory: URL
    let path: String
    let worker: Worker
    let client: WorkflowClient
    let task: Task<Void, Error>
    let group: ServiceGroup
    let clock: any EngineClock

    init(
        clock: any EngineClock = SystemClock(), configuration: WorkerConfiguration = WorkerConfiguration(),
        directory: URL? = nil, register: (inout WorkflowRegistry) -> Void = { _ in }
    ) throws {
        let directory = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("dixengine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.directory = directory
        path = directory.appendingPathComponent("state.db").path
        var registry = TestWorkflows.registry
        register(&registry)
        var logger = Logger(label: "test")
        logger.logLevel = ProcessInfo.processInfo.environment["DIX_TEST_LOG"] == "debug" ? .trace : .warning
        worker = try Worker(databasePath: path, registry: registry, configuration: configuration, clock: clock, logger: logger)
        client = try WorkflowClient(databasePath: path, registry: registry, clock: clock)
        // Run as dixmgr runs it, so that it can be shut down gracefully.
        let group = ServiceGroup(services: [worker], logger: logger)
        self.group = group
        task = Task { try await group.run() }
        self.clock = clock
    }

    /// Stops the worker by cancellation: its runs' drivers stop at once.
    func stop() async {
        task.cancel()
        _ = await task.result
    }

    /// Stops the worker as SIGTERM does: no activity starts, those in flight may finish within
    /// the grace period and are recorded, then the leases are released.
    func shutDownGracefully() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }

    /// Waits (up to 10 s) until the run's history has an event of `kind`, and returns it.
    @discardableResult
    func waitForEvent(_ id: String, _ kind: HistoryEvent.Kind) async throws -> HistoryEvent {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if let event = try? await history(id).first(where: { $0.kind == kind }) { return event }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw EngineError(.notFound, "no \(kind.rawValue) event in \(id) after 10 s")
    }

    func history(_ id: String) async throws -> [HistoryEvent] {
        try await client.export(id).events
    }
}

/// Counts executions per key across tasks.
final class ExecutionLog: Sendable {
    private let entries = Mutex<[String]>([])
    func append(_ entry: String) { entries.withLock { $0.append(entry) } }
    var all: [String] { entries.withLock { $0 } }
    func count(_ entry: String) -> Int { entries.withLock { $0.filter { $0 == entry }.count } }
}
