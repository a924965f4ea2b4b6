import Foundation
import Subprocess

#if canImport(Glibc)
    import Glibc
#endif
#if canImport(System)
    import System
#else
    import SystemPackage
#endif

extension DirectProcessManager {
    /// Spawns the service's process and returns its PID once it runs.
    func launch(_ service: String) async throws -> Int32 {
        let definition = services[service]!.definition
        try definition.validate()
        try FileManager.default.createDirectory(
            atPath: configuration.runDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            atPath: configuration.resolvedLogDirectory, withIntermediateDirectories: true)
        let spawnConfiguration = try makeSpawnConfiguration(definition)
        let log = logFile(definition)
        let output = try log.openForAppending()

        services[service]!.generation += 1
        services[service]!.detached = false
        let spawned = OneShot<Result<Int32, ServiceManagerError>>()
        let exit = OneShot<ProcessExit>()
        let command = commandLine(definition)
        // The task lives as long as the process: it waits for the exit and reports it.
        Task {
            do {
                let result = try await Subprocess.run(
                    spawnConfiguration, input: .none,
                    output: .fileDescriptor(
                        FileDescriptor(rawValue: output), closeAfterSpawningProcess: true),
                    error: .combinedWithOutput
                ) { execution in
                    spawned.resolve(.success(execution.processIdentifier.value))
                }
                exit.resolve(ProcessExit(result.terminationStatus))
            } catch {
                spawned.resolve(
                    .failure(
                        ServiceManagerError(
                            .spawnFailed, service: service, "cannot start \(command): \(error)")))
                exit.resolve(ProcessExit())
            }
            if case .success(let pid) = spawned.current {
                self.processEnded(service, pid: pid)
            }
        }
        guard let outcome = await spawned.wait() else { throw CancellationError() }
        let pid = try outcome.get()
        let startedAt = Date()
        services[service]!.current = SupervisedService.RunningProcess(
            pid: pid, startedAt: startedAt, exit: exit, adopted: false)
        services[service]!.lastStartedAt = startedAt
        services[service]!.phase = .running
        do {
            try pidFile(service).write(
                PIDFile.Record(
                    pid: pid, startTicks: ProcFS.stat(of: pid)?.startTicks, startedAt: startedAt,
                    command: [definition.executable] + definition.arguments))
        } catch {
            logger.error(
                "cannot write PID file: \(error)", metadata: ["service": "\(service)"])
        }
        logger.info("started", metadata: ["service": "\(service)", "pid": "\(pid)"])
        ensureLogRotation()
        // The process may have ended before `current` was set; report that now.
        if exit.current != nil { processEnded(service, pid: pid) }
        return pid
    }

    /// Stops the service's process (SIGTERM, then SIGKILL after the grace period) and any
    /// pending restart. Returns how the process ended, if one ran.
    @discardableResult
    func terminate(_ service: String) async throws -> ProcessExit? {
        services[service]!.stopRequested = true
        services[service]!.generation += 1
        services[service]!.pendingRestart?.cancel()
        services[service]!.pendingRestart = nil
        guard let process = services[service]!.current else {
            if services[service]!.phase == .waitingToRestart { services[service]!.phase = .stopped }
            return nil
        }
        let grace = services[service]!.definition.stopGracePeriod
        services[service]!.phase = .stopping
        logger.info(
            "stopping: SIGTERM", metadata: ["service": "\(service)", "pid": "\(process.pid)"])
        signal(process.pid, SIGTERM)
        var exit = await process.exit.wait(timeout: grace, clock: clock)
        if exit == nil {
            logger.warning(
                "did not stop within \(grace): SIGKILL",
                metadata: ["service": "\(service)", "pid": "\(process.pid)"])
            signal(process.pid, SIGKILL)
            exit = await process.exit.wait(timeout: .seconds(10), clock: clock)
        }
        guard let exit else {
            services[service]!.phase = .failed
            throw ServiceManagerError(
                .stopFailed, service: service,
                "PID \(process.pid) did not end 10 s after SIGKILL")
        }
        // processEnded may not have run yet (it hops through the actor); settle the state here.
        processEnded(service, pid: process.pid)
        return exit
    }

    /// Sends `signal` to the process group the service leads, or to the process alone when it
    /// leads none (a re-adopted process started by something else).
    func signal(_ pid: Int32, _ signal: Int32) {
        if getpgid(pid) == pid {
            _ = kill(-pid, signal)
        } else {
            _ = kill(pid, signal)
        }
    }

    /// Called once per process when it has ended: records the end and applies the restart policy.
    func processEnded(_ service: String, pid: Int32) {
        guard var entry = services[service], let process = entry.current, process.pid == pid,
            let exit = process.exit.current
        else { return }
        entry.current = nil
        entry.lastExit = exit
        pidFile(service).remove()
        let decision = RestartDecision.decide(
            after: exit, policy: entry.definition.restartPolicy,
            restartsSoFar: entry.restartCount, maximumRestarts: entry.definition.maximumRestarts,
            // A watch-mode manager observes (it may have adopted the process for status) but
            // never starts anything.
            stopRequested: entry.stopRequested || entry.detached || mode == .watch)
        logger.info(
            "process ended: \(exit)",
            metadata: ["service": "\(service)", "pid": "\(pid)", "decision": "\(decision)"])
        switch decision {
        case .stayDown(let failed):
            entry.phase = failed && !entry.stopRequested ? .failed : .stopped
        case .giveUp(let reason):
            entry.phase = .failed
            entry.failureReason = reason
            logger.error("giving up: \(reason)", metadata: ["service": "\(service)"])
        case .restart:
            entry.phase = .waitingToRestart
            let generation = entry.generation
            let delay = entry.definition.restartDelay
            entry.pendingRestart = Task { [clock] in
                do {
                    try await clock.sleep(for: delay)
                } catch {
                    return
                }
                await self.restartAfterDelay(service, generation: generation)
            }
        }
        services[service] = entry
    }

    func restartAfterDelay(_ service: String, generation: Int) async {
        _ = try? await serialized {
            guard mode == .execute, let entry = services[service], entry.generation == generation,
                entry.phase == .waitingToRestart, !entry.stopRequested
            else { return }
            services[service]!.restartCount += 1
            services[service]!.pendingRestart = nil
            do {
                _ = try await launch(service)
            } catch {
                services[service]!.phase = .failed
                services[service]!.failureReason = "\(error)"
                logger.error("automatic restart failed: \(error)", metadata: ["service": "\(service)"])
            }
        }
    }

    /// Takes over a process a previous dixmgr started, if the PID file names it and it lives.
    func adoptIfLive(_ service: String) {
        guard let entry = services[service], entry.current == nil,
            entry.phase != .waitingToRestart, let record = pidFile(service).liveRecord()
        else { return }
        let exit = OneShot<ProcessExit>()
        services[service]!.generation += 1
        services[service]!.current = SupervisedService.RunningProcess(
            pid: record.pid, startedAt: record.startedAt, exit: exit, adopted: true)
        services[service]!.lastStartedAt = record.startedAt
        services[service]!.phase = .running
        services[service]!.stopRequested = false
        services[service]!.detached = false
        logger.info("re-adopted", metadata: ["service": "\(service)", "pid": "\(record.pid)"])
        Task {
            do {
                try await ProcessExitWatcher.waitForExit(of: record.pid)
            } catch {
                return
            }
            exit.resolve(ProcessExit())
            self.processEnded(service, pid: record.pid)
        }
        ensureLogRotation()
    }

    func makeSpawnConfiguration(_ definition: DirectServiceDefinition) throws -> Configuration {
        let executable: Executable =
            definition.executable.contains("/")
            ? .path(FilePath(definition.executable)) : .name(definition.executable)
        var updates: [Environment.Key: String] = [:]
        for (key, value) in definition.environment {
            guard let key = Environment.Key(rawValue: key) else {
                throw ServiceManagerError(
                    .invalidConfiguration, service: definition.name,
                    "invalid environment variable name \(key)")
            }
            updates[key] = value
        }
        let environment: Environment =
            definition.inheritEnvironment ? .inherit.updating(updates) : .custom(updates)
        var options = PlatformOptions()
        // Its own session: the process and its children form one group to signal, and it
        // does not share dixmgr's terminal or die with dixmgr's process group.
        options.createSession = true
        if let user = definition.user {
            let account = try AccountResolver.user(user, service: definition.name)
            options.userID = account.uid
            options.groupID = account.primaryGroup
            options.supplementaryGroups = []
        }
        if let group = definition.group {
            options.groupID = try AccountResolver.group(group, service: definition.name)
        }
        return Configuration(
            executable: executable, arguments: Arguments(definition.arguments),
            environment: environment,
            workingDirectory: definition.workingDirectory.map { FilePath($0) },
            platformOptions: options)
    }

    // MARK: - Log rotation

    func ensureLogRotation() {
        guard rotationTask == nil else { return }
        let interval = configuration.logRotationCheckInterval
        rotationTask = Task { [weak self, clock] in
            while !Task.isCancelled {
                do { try await clock.sleep(for: interval) } catch { return }
                guard let self else { return }
                await self.rotateLogs()
            }
        }
    }

    func rotateLogs() {
        for (name, entry) in services where entry.current != nil {
            do {
                if try logFile(entry.definition).rotateIfNeeded() {
                    logger.debug("log rotated", metadata: ["service": "\(name)"])
                }
            } catch {
                logger.warning("log rotation failed: \(error)", metadata: ["service": "\(name)"])
            }
        }
    }
}

extension ProcessExit {
    init(_ status: TerminationStatus, at date: Date = Date()) {
        switch status {
        case .exited(let code): self.init(code: code, at: date)
        case .signaled(let signal): self.init(signal: signal, at: date)
        }
    }
}
