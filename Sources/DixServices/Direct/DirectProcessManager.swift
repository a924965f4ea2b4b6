import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Spawns and supervises plain processes, for hosts and containers without systemd.
///
/// Each service's output goes to a log file with size-based rotation, its PID to a PID file.
/// A process that ends on its own is restarted per its ``RestartPolicy`` after its restart
/// delay, up to its maximum restart count. Stop sends SIGTERM to the process group, then
/// SIGKILL after the grace period. When dixmgr restarts, a service whose PID file still names
/// the same live process is re-adopted, never started twice.
///
/// ```swift
/// let manager = DirectProcessManager(
///     mode: .execute,
///     configuration: .init(stateDirectory: "/var/lib/dixmgr/direct", services: [node]))
/// _ = try await manager.start("polkadot")
/// print(try await manager.recentOutput(of: "polkadot", lines: 20))
/// ```
public actor DirectProcessManager: ServiceManager {
    public nonisolated let mode: ServiceManagerMode
    public nonisolated let configuration: DirectManagerConfiguration
    let logger: Logger
    let clock: any Clock<Duration>

    var services: [String: SupervisedService] = [:]
    var rotationTask: Task<Void, Never>?
    var operationInProgress = false
    var operationWaiters: [CheckedContinuation<Void, Never>] = []

    /// Creates the manager; its directories are created on first use.
    public init(
        mode: ServiceManagerMode = .watch, configuration: DirectManagerConfiguration,
        logger: Logger = Logger(label: "dixmgr.services.direct"),
        clock: any Clock<Duration> = ContinuousClock()
    ) {
        self.mode = mode
        self.configuration = configuration
        self.logger = logger
        self.clock = clock
        for definition in configuration.services {
            services[definition.name] = SupervisedService(definition: definition)
        }
    }

    /// Adds or replaces a service definition; a running process keeps running under the new one.
    public func register(_ definition: DirectServiceDefinition) throws {
        try definition.validate()
        if services[definition.name] != nil {
            services[definition.name]!.definition = definition
        } else {
            services[definition.name] = SupervisedService(definition: definition)
        }
    }

    // MARK: - ServiceManager

    public func start(_ service: String) async throws -> ServiceActionResult {
        try await serialized {
            let definition = try definition(of: service)
            adoptIfLive(service)
            if let pid = services[service]?.current?.pid {
                return result(service, .start, performed: false, "already running as PID \(pid)")
            }
            guard mode == .execute else {
                return watchOnly(service, .start, "would start \(commandLine(definition))")
            }
            services[service]!.restartCount = 0
            services[service]!.stopRequested = false
            services[service]!.failureReason = nil
            let pid = try await launch(service)
            return result(service, .start, performed: true, "started as PID \(pid)")
        }
    }

    public func stop(_ service: String) async throws -> ServiceActionResult {
        try await serialized {
            _ = try definition(of: service)
            adoptIfLive(service)
            let entry = services[service]!
            guard entry.current != nil || entry.phase == .waitingToRestart else {
                return result(service, .stop, performed: false, "not running")
            }
            guard mode == .execute else {
                let target = entry.current.map { "PID \($0.pid)" } ?? "the pending restart"
                return watchOnly(service, .stop, "would stop \(target)")
            }
            let exit = try await terminate(service)
            return result(
                service, .stop, performed: true, exit.map { "stopped: \($0)" } ?? "stopped")
        }
    }

    public func restart(_ service: String) async throws -> ServiceActionResult {
        try await serialized {
            let definition = try definition(of: service)
            adoptIfLive(service)
            guard mode == .execute else {
                return watchOnly(service, .restart, "would restart \(commandLine(definition))")
            }
            if services[service]!.current != nil || services[service]!.phase == .waitingToRestart {
                _ = try await terminate(service)
            }
            services[service]!.restartCount = 0
            services[service]!.stopRequested = false
            services[service]!.failureReason = nil
            let pid = try await launch(service)
            return result(service, .restart, performed: true, "restarted as PID \(pid)")
        }
    }

    public func status(of service: String) async throws -> ServiceStatus {
        _ = try definition(of: service)
        adoptIfLive(service)
        return services[service]!.status
    }

    public func recentOutput(of service: String, lines: Int) async throws -> [String] {
        let definition = try definition(of: service)
        return ServiceLogFile(directory: configuration.resolvedLogDirectory, definition: definition)
            .lastLines(lines)
    }

    public func list() async throws -> [ServiceStatus] {
        services.keys.sorted().map { name in
            adoptIfLive(name)
            return services[name]!.status
        }
    }

    // MARK: - Lifecycle

    /// Re-adopts every service whose PID file names a live process; returns name → PID.
    /// Other calls do this lazily per service; call it at startup to supervise them at once.
    @discardableResult
    public func adoptRunningProcesses() -> [String: Int32] {
        var adopted: [String: Int32] = [:]
        for name in services.keys {
            adoptIfLive(name)
            if let pid = services[name]?.current?.pid { adopted[name] = pid }
        }
        return adopted
    }

    /// Ends supervision. With `stopServices` every running process is stopped; without, they
    /// keep running (their PID files stay) for the next dixmgr to re-adopt.
    public func shutdown(stopServices: Bool) async {
        rotationTask?.cancel()
        rotationTask = nil
        for name in services.keys.sorted() {
            if stopServices, mode == .execute {
                _ = try? await serialized { try await terminate(name) }
            } else {
                services[name]!.detached = true
                services[name]!.generation += 1
                services[name]!.pendingRestart?.cancel()
            }
        }
    }

    // MARK: - Helpers

    func definition(of service: String) throws(ServiceManagerError) -> DirectServiceDefinition {
        try DirectServiceDefinition.validate(name: service)
        guard let entry = services[service] else {
            throw ServiceManagerError(
                .unknownService, service: service, "no direct service is defined with this name")
        }
        return entry.definition
    }

    func pidFile(_ service: String) -> PIDFile {
        PIDFile(directory: configuration.runDirectory, service: service)
    }

    func logFile(_ definition: DirectServiceDefinition) -> ServiceLogFile {
        ServiceLogFile(directory: configuration.resolvedLogDirectory, definition: definition)
    }

    func commandLine(_ definition: DirectServiceDefinition) -> String {
        ([definition.executable] + definition.arguments).joined(separator: " ")
    }

    func result(_ service: String, _ action: ServiceAction, performed: Bool, _ message: String)
        -> ServiceActionResult
    {
        ServiceActionResult(
            service: service, action: action, performed: performed, message: message,
            status: services[service]?.status)
    }

    func watchOnly(_ service: String, _ action: ServiceAction, _ what: String)
        -> ServiceActionResult
    {
        let message = "watch mode: \(what)"
        logger.notice("\(message)", metadata: ["service": "\(service)"])
        return result(service, action, performed: false, message)
    }

    /// Runs mutating operations one at a time, each to its end, across its suspension points.
    func serialized<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        if operationInProgress {
            await withCheckedContinuation { operationWaiters.append($0) }
        } else {
            operationInProgress = true
        }
        defer {
            if operationWaiters.isEmpty {
                operationInProgress = false
            } else {
                // Ownership passes straight to the next waiter.
                operationWaiters.removeFirst().resume()
            }
        }
        return try await body()
    }
}
