import DixEngine
import DixObservability
import DixResilience
import DixServices
import DixWorkflows
import Foundation
import Logging
import Synchronization
import Testing

/// The monitor workflow on a real worker and database, with real checks, health history,
/// Prometheus registry and alert manager.
@Suite struct ServiceMonitorTests {
    static let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
        ?? ProcessInfo.processInfo.environment["PATH"].flatMap { path in
            path.split(separator: ":").map { "\($0)/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        }

    @Test(.enabled(if: python != nil, "python3 not found: install the Debian package python3 (make test does)"))
    func aDownServiceIsRestartedAndEveryRoundIsRecordedInHistoryMetricsAndAlerts() async throws {
        let port = try FreeLocalPort.find()
        // The first failed check opens the breaker for 10 minutes: only the monitor's restart,
        // which closes it, lets the next round see the service healthy.
        let fixture = try MonitorFixture(
            directServices: [
                DirectServiceDefinition(
                    name: "web", executable: try #require(Self.python),
                    arguments: ["-m", "http.server", "\(port)", "--bind", "127.0.0.1"]),
            ],
            breakers: CircuitBreaker.Configuration(consecutiveFailureThreshold: 1, openDuration: .seconds(600)))
        defer { fixture.tearDown() }
        let spec = ServiceMonitorSpec(
            service: "web", intervalSeconds: 0.2, http: HTTPCheck(url: "http://127.0.0.1:\(port)/", timeout: .seconds(2)),
            checkAttempts: 1, restartAfterFailures: 1, roundsPerRun: 4)
        _ = try await fixture.worker.start(ServiceMonitorWorkflow.self, input: ServiceMonitorInput(spec: spec), id: spec.workflowID)

        // Not running at first: down, restarted by the monitor, then healthy.
        try await fixture.eventually("the web service is seen healthy after its restart") {
            fixture.channel.summaries.contains("[RESOLVED:critical] service_down web")
        }
        #expect(fixture.channel.summaries.first == "[FIRING:critical] service_down web")
        try await fixture.history.flush()
        let restarts = try await fixture.history.restarts(of: "web", since: .distantPast)
        #expect(restarts.first?.success == true)
        #expect(restarts.first?.reason == "1 failed checks in a row")
        let events = try await fixture.history.events(of: "web", since: .distantPast)
        #expect(events.first?.healthy == false)
        #expect(events.first?.error?.contains("web is inactive") == true)
        #expect(events.last?.healthy == true)
        #expect(events.last?.type == "http")
        #expect((events.last?.memoryBytes ?? 0) > 0, "the process tree was sampled")
        #expect(try await fixture.history.downtimeStatistics(of: "web", since: .distantPast).incidents == 1)

        let metrics = fixture.metrics.registry.emitToString()
        #expect(metrics.contains(#"dixmgr_service_health{service="web"} 1"#))
        #expect(metrics.contains(#"dixmgr_service_restarts_total{service="web"} 1"#))
        #expect(metrics.contains(#"dixmgr_service_memory_bytes{service="web"}"#))

        // Rounds go on across continue-as-new, and every closed run replays without divergence.
        try await fixture.eventually("the monitor continued as a new run") {
            try await fixture.client.list(RunFilter(status: .continued)).count >= 2
        }
        for run in try await fixture.client.list(RunFilter(status: .continued)) {
            let report = try await fixture.client.replay(run.runID)
            #expect(report.result == .ok(closedAs: .continued), "run \(run.runID) replays as \(report.result)")
        }
        let canceled = try await fixture.client.cancel(spec.workflowID)
        #expect(canceled.cancelRequested)
        let closed = try await fixture.client.result(spec.workflowID, wait: true)
        #expect(closed.status == .canceled)
    }

    @Test func aCheckRefusedByItsOpenCircuitBreakerRaisesTheCircuitOpenAlert() async throws {
        let fixture = try MonitorFixture(
            breakers: CircuitBreaker.Configuration(consecutiveFailureThreshold: 2, openDuration: .seconds(600)))
        defer { fixture.tearDown() }
        let closedPort = try FreeLocalPort.find()
        let spec = ServiceMonitorSpec(
            service: "api", intervalSeconds: 0.05, checkStatus: false, sampleResources: false,
            http: HTTPCheck(url: "http://127.0.0.1:\(closedPort)/health", timeout: .seconds(1)), checkAttempts: 1)
        _ = try await fixture.worker.start(ServiceMonitorWorkflow.self, input: ServiceMonitorInput(spec: spec), id: spec.workflowID)

        try await fixture.eventually("the circuit_open alert fired") {
            fixture.channel.summaries.contains("[FIRING:warning] circuit_open api")
        }
        #expect(fixture.breakers.getOrCreate("api.http").state == .open)
        // Down after three failed rounds, with the refusal as the reason.
        try await fixture.eventually("the service_down alert fired") {
            fixture.channel.summaries.contains("[FIRING:critical] service_down api")
        }
        try await fixture.history.flush()
        let events = try await fixture.history.events(of: "api", since: .distantPast)
        #expect(events.first?.error?.contains("refused") == true)
        #expect(events.contains { $0.error?.contains("circuit breaker 'api.http' is open") == true })
        _ = try await fixture.client.cancel(spec.workflowID)
        _ = try await fixture.client.result(spec.workflowID, wait: true)
    }

    @Test func aSpecThatCannotRunFailsTheRunAtOnce() async throws {
        let fixture = try MonitorFixture()
        defer { fixture.tearDown() }
        let spec = ServiceMonitorSpec(service: "x", checkStatus: false, sampleResources: false)
        let run = try await fixture.worker.start(ServiceMonitorWorkflow.self, input: ServiceMonitorInput(spec: spec))
        let closed = try await fixture.worker.waitForClose(runID: run.runID)
        #expect(closed.status == .failed)
        #expect(closed.error?.message.contains("nothing to check") == true)
    }
}

/// A worker with the monitor and the activities it uses, over a direct process manager, and the
/// observability parts it records into.
final class MonitorFixture: @unchecked Sendable {
    // @unchecked: set up once in init, then only read.
    let directory: URL
    let manager: DirectProcessManager
    let history: HealthHistory
    let metrics: NamespacedPrometheusFactory
    let channel = CapturingChannel()
    let breakers: CircuitBreakerRegistry
    let worker: Worker
    let client: WorkflowClient
    private var tasks: [Task<Void, Never>] = []

    init(
        directServices: [DirectServiceDefinition] = [],
        breakers configuration: CircuitBreaker.Configuration = BuiltinWorkflows.checkBreakerConfiguration
    ) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("dixmonitor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        manager = DirectProcessManager(
            mode: .execute,
            configuration: DirectManagerConfiguration(stateDirectory: directory.appendingPathComponent("services").path, services: directServices),
            logger: logger)
        history = try HealthHistory(path: directory.appendingPathComponent("health.db").path, logger: logger)
        metrics = try MetricsBootstrap.makeFactory()
        breakers = CircuitBreakerRegistry(defaultConfiguration: configuration, metricsFactory: metrics)
        let dispatcher = AlertDispatcher(channels: [channel], logger: logger, metricsFactory: metrics)
        let alerts = try AlertManager(dispatcher: dispatcher, history: history, metricsFactory: metrics)
        var registry = BuiltinWorkflows.registry
        registry.register(ServiceStatusActivity(manager: manager))
        registry.register(ResourceSampleActivity())
        BuiltinWorkflows.registerMonitorActivities(
            in: &registry, manager: manager, recorder: HealthRecorder(history: history, metrics: ServiceMetrics(factory: metrics), alerts: alerts),
            breakers: breakers)
        let path = directory.appendingPathComponent("state.db").path
        worker = try Worker(databasePath: path, registry: registry, logger: logger)
        client = try WorkflowClient(databasePath: path, registry: registry)
        let worker = self.worker
        tasks = [Task { try? await worker.run() }, Task { await dispatcher.run() }]
    }

    /// Polls `condition` every 20 ms for up to 20 s.
    func eventually(_ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("\(what) did not happen within 20 s; alerts: \(channel.summaries)")
    }

    func tearDown() {
        for task in tasks { task.cancel() }
        let manager = self.manager
        let directory = self.directory
        Task {
            await manager.shutdown(stopServices: true)
            try? FileManager.default.removeItem(at: directory)
        }
    }
}

/// An alert channel that keeps what it is given.
final class CapturingChannel: AlertChannel {
    let name = "capture"
    private let received = Mutex<[AlertNotification]>([])

    func deliver(_ notification: AlertNotification) async throws {
        received.withLock { $0.append(notification) }
    }

    /// `[FIRING:critical] service_down web`, in delivery order, repeats left out.
    var summaries: [String] {
        received.withLock { $0.filter { !$0.isRepeat }.map(\.summary) }
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on right now.
enum FreeLocalPort {
    static func find() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound else { throw POSIXError(.EADDRNOTAVAIL) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
