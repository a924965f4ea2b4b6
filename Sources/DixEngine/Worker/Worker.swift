import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Runs workflows: claims runnable runs with a lease, drives each on its own deterministic
/// executor, renews its leases, takes over runs of dead workers, and shuts down gracefully.
///
/// ```swift
/// let worker = try Worker(databasePath: "state.db", registry: registry)
/// let group = ServiceGroup(services: [worker], gracefulShutdownSignals: [.sigterm], logger: logger)
/// try await group.run()
/// ```
public final class Worker: Service, Sendable {
    public let configuration: WorkerConfiguration
    let store: SQLiteStore
    let registry: WorkflowRegistry
    let clock: any EngineClock
    let logger: Logger
    let committer: GroupCommitter
    let notifier: ChangeNotifier
    let startedMarkers = FixedDelayTimer(delay: ActivityRunner.startedMarkerDelay)
    let activityMeters = ActivityMetersCache()
    private let limits: [String: ConcurrencyLimit]
    private let wake = Mailbox<Wake>()
    private let state = Mutex(State())
    /// Set once shutdown begins: no new live step starts. Read by every step, so not under `state`'s lock.
    private let draining = Atomic<Bool>(false)
    /// In-flight activity attempts, for graceful shutdown; counted by every step.
    private let inflightActivities = Atomic<Int>(0)
    /// Finished when the last in-flight activity ends during shutdown.
    private let activitiesEnded = Mutex<AsyncStream<Void>.Continuation?>(nil)
    private let touchPending = Mutex(false)

    enum Wake: Sendable {
        case poke, tick, shutdown
        case launch(RunRecord, [HistoryEvent])
        /// Drive a run registered already (see ``register(_:history:)``).
        case drive(RunDriver)
    }

    private struct State {
        var drivers: [String: RunDriver] = [:]
        /// Waiters for a run's close: given the closed record, or nil to look it up.
        var closeWaiters: [String: [CheckedContinuation<RunRecord?, Never>]] = [:]
        var marks = ChangeMarks()
        /// Runs driven again after their drive stopped (see ``driveAgainIfStillHeld(_:reason:)``):
        /// how many times in a row.
        var redrives: [String: Int] = [:]
    }

    /// Opens (or creates) the database at `databasePath` for a worker.
    public convenience init(
        databasePath: String, registry: WorkflowRegistry, configuration: WorkerConfiguration = WorkerConfiguration(),
        durableCommits: Bool = true, clock: any EngineClock = SystemClock(), logger: Logger = Logger(label: "dixmgr.worker")
    ) throws {
        let store = try SQLiteStore(path: databasePath, synchronous: durableCommits ? .full : .normal)
        self.init(store: store, registry: registry, configuration: configuration, clock: clock, logger: logger)
    }

    package init(
        store: SQLiteStore, registry: WorkflowRegistry, configuration: WorkerConfiguration, clock: any EngineClock,
        logger: Logger
    ) {
        self.store = store
        self.registry = registry
        self.configuration = configuration
        self.clock = clock
        var logger = logger
        logger[metadataKey: "worker"] = "\(configuration.workerID)"
        self.logger = logger
        committer = GroupCommitter(store: store, clock: clock)
        notifier = ChangeNotifier(databasePath: store.path)
        var limits: [String: ConcurrencyLimit] = [:]
        for (name, entry) in registry.activities {
            if let limit = configuration.activityConcurrency[name] ?? entry.maximumConcurrent {
                limits[name] = ConcurrencyLimit(limit: limit)
            }
        }
        self.limits = limits
    }

    /// The number of runs this worker drives now.
    public var activeRuns: Int { state.withLock { $0.drivers.count } }

    // MARK: In-process client

    /// Starts a workflow in this worker (committed before it returns) and returns its run.
    @discardableResult
    public func start<W: Workflow>(_ type: W.Type, input: W.Input, id: String? = nil) async throws -> RunRecord {
        try await start(type: W.name, input: PayloadCodec.encode(input), id: id)
    }

    /// Starts a workflow by type name with JSON input.
    public func start(type: String, input: Data, id: String? = nil) async throws -> RunRecord {
        try registry.validate(type: type, input: input)
        let now = clock.now()
        let runID = RunIdentifier.make()
        let run = NewRun(
            runID: runID, workflowID: id ?? runID, workflowType: type, input: input, owner: configuration.workerID,
            leaseExpiresAt: now.addingTimeInterval(configuration.leaseDuration.seconds))
        var write = RunWrite(runID: runID, leaseToken: 1)
        write.create = run
        _ = try await committer.commit(write, inline: true)
        let record = RunRecord(created: run, at: now)
        // Registered before returning, so that a wait for its close needs no lookup.
        if let driver = register(record, history: [HistoryEvent(index: 0, kind: .workflowStarted, name: type, input: input, time: now)]) {
            wake.post(.drive(driver))
        }
        return record
    }

    /// Waits until run `runID` closes and returns its record.
    public func waitForClose(runID: String) async throws -> RunRecord {
        while true {
            let store = self.store
            let closed = await withCheckedContinuation { (continuation: CheckedContinuation<RunRecord?, Never>) in
                let driven = state.withLock { state -> Bool in
                    state.closeWaiters[runID, default: []].append(continuation)
                    return state.drivers[runID] != nil
                }
                // A run this worker drives tells its waiters when it closes or stops being
                // driven; any other run is looked up. Registered first, read second: a close
                // between the two cannot be missed.
                if !driven {
                    Task {
                        if let run = try? await store.run(id: runID), !run.status.isOpen { self.resumeCloseWaiters(runID, run) }
                    }
                }
            }
            if let closed, !closed.status.isOpen { return closed }
            if let run = try await store.run(id: runID), !run.status.isOpen { return run }
        }
    }

    /// Starts a workflow, waits for it and returns its output (throws if it did not complete).
    public func execute<W: Workflow>(_ type: W.Type, input: W.Input, id: String? = nil) async throws -> W.Output {
        let run = try await start(type, input: input, id: id)
        let closed = try await waitForClose(runID: run.runID)
        guard closed.status == .completed, let result = closed.result else {
            throw EngineError(.workflowFailed, "run \(closed.runID) \(closed.status.rawValue): \(closed.error.map { "\($0)" } ?? "")")
        }
        return try PayloadCodec.decode(W.Output.self, from: result)
    }

    // MARK: Service

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await withTaskCancellationHandler {
                try await runLoop()
            } onCancel: {
                wake.post(.shutdown)
            }
        } onGracefulShutdown: {
            self.wake.post(.shutdown)
        }
    }

    private func runLoop() async throws {
        let liveness = try WorkerLivenessLock(databasePath: store.path, workerID: configuration.workerID)
        defer { liveness.release() }
        // A newer version's upgrade waits while the lock is held (see `SQLiteStore.migrate`);
        // one done since the store was opened, before the lock, stops this worker here.
        try store.checkSchemaIsKnown()
        logger.info("worker started", metadata: ["database": "\(store.path)"])
        await withDiscardingTaskGroup { group in
            group.addTask { await self.renewLeasesLoop() }
            group.addTask { [notifier, wake] in
                for await _ in notifier.changes() { wake.post(.poke) }
            }
            group.addTask { [wake, clock, interval = configuration.fallbackClaimInterval] in
                while (try? await clock.sleep(for: interval)) != nil { wake.post(.tick) }
            }
            group.addTask { await self.purgeLoop() }
            await takeOverRunsOfDeadWorkers()
            var poked = true
            var running = true
            while running {
                if poked {
                    poked = false
                    await claim(into: &group)
                    await checkChanges()
                }
                let messages = await wake.take()
                logger.trace("woken", metadata: ["messages": "\(messages.count)"])
                for message in messages {
                    switch message {
                    case .poke, .tick:
                        poked = true
                    case .launch(let run, let history):
                        launch(run, history: history, into: &group)
                    case .drive(let driver):
                        drive(driver, into: &group)
                    case .shutdown:
                        running = false
                    }
                }
            }
            await shutDown()
            group.cancelAll()
        }
        logger.info("worker stopped")
    }

    /// Runs of workers that ended without stopping gracefully (crashed, killed) are taken over
    /// at once instead of after their lease expires; see ``WorkerLivenessLock``.
    private func takeOverRunsOfDeadWorkers() async {
        for dead in WorkerLivenessLock.deadWorkers(databasePath: store.path, except: configuration.workerID) {
            guard dead.isStillThere else {
                dead.keep()
                continue
            }
            do {
                let count = try await store.expireLeases(owner: dead.workerID)
                dead.forget()
                if count > 0 {
                    logger.info("taking over the runs of a dead worker", metadata: ["dead_worker": "\(dead.workerID)", "runs": "\(count)"])
                }
            } catch {
                dead.keep()
                logger.warning(
                    "could not take over the runs of a dead worker; they wait for their lease to expire",
                    metadata: ["dead_worker": "\(dead.workerID)", "error": "\(error)"])
            }
        }
    }

    private func claim(into group: inout DiscardingTaskGroup) async {
        let capacity = configuration.maximumConcurrentRuns - activeRuns
        guard capacity > 0 else { return }
        do {
            let now = clock.now()
            let runs = try await store.claim(
                owner: configuration.workerID, limit: min(capacity, 512),
                leaseUntil: now.addingTimeInterval(configuration.leaseDuration.seconds), now: now)
            if runs.isEmpty { return }
            let histories = try await store.histories(runIDs: runs.map(\.runID))
            for run in runs {
                launch(run, history: histories[run.runID] ?? [], into: &group)
            }
            if runs.count == min(capacity, 512) { wake.post(.poke) }
        } catch is CancellationError {
            // The worker is stopping; runs claimed just now are released with the others.
        } catch {
            logger.error("could not claim runs", metadata: ["error": "\(error)"])
        }
    }

    private func launch(_ run: RunRecord, history: [HistoryEvent], into group: inout DiscardingTaskGroup) {
        if let driver = register(run, history: history) { drive(driver, into: &group) }
    }

    /// Makes a driver for `run` and records it as driven; nil if it is driven already.
    private func register(_ run: RunRecord, history: [HistoryEvent]) -> RunDriver? {
        let driver = RunDriver(run: run, history: history, registry: registry, environment: environment, logger: logger)
        let alreadyDriven = state.withLock { state -> Bool in
            if state.drivers[run.runID] != nil { return true }
            state.drivers[run.runID] = driver
            return false
        }
        return alreadyDriven ? nil : driver
    }

    private func drive(_ driver: RunDriver, into group: inout DiscardingTaskGroup) {
        let run = driver.run
        if run.cancelRequested { driver.mailbox.post(.cancelRequested) }
        group.addTask {
            let ending = await withTaskCancellationHandler {
                await driver.drive()
            } onCancel: {
                driver.mailbox.post(.stop("worker stopped"))
            }
            // Waiters still there were not told of a close: they look the run up.
            let waiters = self.state.withLock { state in
                state.drivers.removeValue(forKey: run.runID)
                return state.closeWaiters.removeValue(forKey: run.runID) ?? []
            }
            waiters.forEach { $0.resume(returning: nil) }
            switch ending {
            case .abandoned(let reason):
                self.logger.debug("stopped driving run", metadata: ["run_id": "\(run.runID)", "reason": "\(reason)"])
                await self.driveAgainIfStillHeld(run, reason: reason)
            case .blocked(let error):
                // The run keeps its lease, so no worker retries it until one restarts with fixed code.
                try? await self.store.markBlocked(runID: run.runID, leaseToken: run.leaseToken, reason: error.description)
            case .closed, .historyEnded:
                break
            }
        }
    }

    /// A drive that stopped while this worker still holds the run (a write failed: the disk was
    /// full, or the file could not be written) leaves the run to no one, as its lease is
    /// renewed with the others. It is driven again from what was stored, under a new lease,
    /// after 1 s, then 2, 4 … up to 60 s while it keeps failing. A run whose lease was lost or
    /// that was closed meanwhile is left alone, as is every run once the worker stops.
    private func driveAgainIfStillHeld(_ run: RunRecord, reason: String) async {
        var held = run
        var reason = reason
        while !Task.isCancelled && !draining.load(ordering: .acquiring) {
            // A run that cannot be read now is taken as still held: the retake decides.
            let current = (try? await store.run(id: held.runID)) ?? held
            guard current.status.isOpen, current.owner == configuration.workerID, current.leaseToken == held.leaseToken else { break }
            let attempt = state.withLock { state -> Int in
                state.redrives[held.runID, default: 0] += 1
                return state.redrives[held.runID]!
            }
            let delay = Duration.seconds(min(60, 1 << min(attempt - 1, 6)))
            logger.warning(
                "run stopped while this worker holds it; driving it again from its stored history",
                metadata: ["run_id": "\(held.runID)", "reason": "\(reason)", "in_seconds": "\(delay.seconds)", "attempt": "\(attempt)"])
            guard (try? await clock.sleep(for: delay)) != nil, !draining.load(ordering: .acquiring) else { return }
            do {
                let now = clock.now()
                guard
                    let retaken = try await store.retake(
                        runID: held.runID, owner: configuration.workerID, leaseToken: held.leaseToken,
                        leaseUntil: now.addingTimeInterval(configuration.leaseDuration.seconds), now: now)
                else { break }
                held = retaken
                wake.post(.launch(retaken, try await store.history(runID: retaken.runID)))
                return
            } catch {
                reason = "\(error)"
            }
        }
        state.withLock { _ = $0.redrives.removeValue(forKey: run.runID) }
    }

    private var environment: DriverEnvironment {
        DriverEnvironment(
            workerID: configuration.workerID, committer: committer, store: store, registry: registry, limits: limits,
            clock: clock, metrics: configuration.metricsFactory ?? MetricsSystem.factory, activityMeters: activityMeters,
            startedMarkers: startedMarkers,
            leaseDuration: configuration.leaseDuration,
            historyWarningEvents: configuration.historyWarningEvents,
            historyLimitEvents: configuration.historyLimitEvents,
            isDraining: { self.draining.load(ordering: .acquiring) },
            launch: { [wake] run, history in wake.post(.launch(run, history)) },
            runClosed: { [weak self] run, closed in
                guard let self else { return }
                self.state.withLock { _ = $0.redrives.removeValue(forKey: run.runID) }
                self.resumeCloseWaiters(run.runID, closed)
                if let parent = run.parentRunID, let driver = self.state.withLock({ $0.drivers[parent] }) {
                    driver.mailbox.post(.childClosed(runID: run.runID))
                }
                self.touchSoon()
            },
            notifyOthers: { [weak self] in self?.notifyOthers() },
            activityBegins: { self.activityBegins() },
            activityEnded: { self.activityEnded() })
    }

    // Counted, then checked against draining (and in `shutDown`, the reverse), each sequentially
    // consistent: either the activity sees the worker draining and does not start, or shutdown
    // sees it counted and waits for it.
    private func activityBegins() -> Bool {
        inflightActivities.add(1, ordering: .sequentiallyConsistent)
        guard !draining.load(ordering: .sequentiallyConsistent) else {
            activityEnded()
            return false
        }
        return true
    }

    private func activityEnded() {
        // The lock is taken only during shutdown, not by every step.
        if inflightActivities.subtract(1, ordering: .sequentiallyConsistent).newValue == 0,
            draining.load(ordering: .sequentiallyConsistent)
        {
            activitiesEnded.withLock { $0?.finish() }
        }
    }

    private func resumeCloseWaiters(_ runID: String, _ closed: RunRecord?) {
        let waiters = state.withLock { $0.closeWaiters.removeValue(forKey: runID) ?? [] }
        waiters.forEach { $0.resume(returning: closed) }
    }

    /// Wakes this worker's change check and, shortly after, other processes (coalesced).
    private func notifyOthers() {
        wake.post(.poke)
        touchSoon()
    }

    /// Touches the change file for other processes, at most once per 20 ms.
    private func touchSoon() {
        let schedule = touchPending.withLock { pending -> Bool in
            if pending { return false }
            pending = true
            return true
        }
        guard schedule else { return }
        Task {
            try? await Task.sleep(for: .milliseconds(20))
            self.touchPending.withLock { $0 = false }
            self.notifier.touch()
        }
    }

    private func checkChanges() async {
        let marks = state.withLock { $0.marks }
        guard let (changes, next) = try? await store.changes(owner: configuration.workerID, since: marks) else { return }
        let drivers = state.withLock { state -> [String: RunDriver] in
            state.marks = next
            return state.drivers
        }
        if !changes.isEmpty { logger.trace("changes", metadata: ["changes": "\(changes)"]) }
        for runID in changes.signaled { drivers[runID]?.mailbox.post(.signalsAvailable) }
        for runID in changes.cancelRequested { drivers[runID]?.mailbox.post(.cancelRequested) }
        for runID in changes.closedElsewhere { drivers[runID]?.mailbox.post(.stop("run was terminated")) }
        for (parent, children) in changes.childClosed {
            for child in children { drivers[parent]?.mailbox.post(.childClosed(runID: child)) }
        }
    }

    private func renewLeasesLoop() async {
        let interval = configuration.leaseDuration / 3
        while (try? await clock.sleep(for: interval)) != nil {
            do {
                try await store.renewLeases(
                    owner: configuration.workerID, until: clock.now().addingTimeInterval(configuration.leaseDuration.seconds))
            } catch {
                logger.error("could not renew leases", metadata: ["error": "\(error)"])
            }
        }
    }

    private func purgeLoop() async {
        repeat {
            do {
                let now = clock.now()
                let retentions = registry.retentions
                var purged = try await store.purge(
                    closedBefore: now.addingTimeInterval(-configuration.retention.seconds), only: nil,
                    except: retentions.keys.sorted())
                for (type, retention) in retentions.sorted(by: { $0.key < $1.key }) {
                    purged += try await store.purge(
                        closedBefore: now.addingTimeInterval(-retention.seconds), only: type, except: [])
                }
                if purged > 0 { logger.info("purged closed runs", metadata: ["runs": "\(purged)"]) }
            } catch {
                logger.error("could not purge closed runs", metadata: ["error": "\(error)"])
            }
        } while (try? await clock.sleep(for: .seconds(86_400))) != nil
    }

    /// Stops claiming, lets in-flight activities finish within the grace period, stops every
    /// driver and releases the leases so another worker can go on at once.
    private func shutDown() async {
        let (ended, signal) = AsyncStream<Void>.makeStream()
        activitiesEnded.withLock { $0 = signal }
        draining.store(true, ordering: .sequentiallyConsistent)
        if inflightActivities.load(ordering: .sequentiallyConsistent) == 0 { signal.finish() }
        // In-flight activities may finish within the grace period (none starts meanwhile), also
        // when the worker's task was canceled: the wait does not inherit that.
        await Task { [gracePeriod = configuration.shutdownGracePeriod] in
            await withTaskGroup(of: Void.self) { group in
                group.addTask { for await _ in ended {} }
                group.addTask { try? await Task.sleep(for: gracePeriod) }
                await group.next()
                group.cancelAll()
            }
        }.value
        let drivers = state.withLock { Array($0.drivers.values) }
        drivers.forEach { $0.mailbox.post(.stop("worker shutting down")) }
        do {
            // Not inheriting the caller's cancellation: the leases must be released even then.
            try await Task { [store, configuration] in try await store.releaseLeases(owner: configuration.workerID) }.value
        } catch {
            logger.error("could not release leases", metadata: ["error": "\(error)"])
        }
        notifier.touch()
    }
}
