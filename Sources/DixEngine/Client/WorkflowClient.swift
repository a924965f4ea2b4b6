import Foundation

/// Starts, inspects, signals, cancels and replays runs in a database, with or without a
/// worker running: a start is queued in SQLite and runs when a worker comes up.
///
/// ```swift
/// let client = try WorkflowClient(databasePath: ".dixmgr/state.db", registry: registry)
/// let run = try await client.start(type: "demo", input: Data("{}".utf8))
/// ```
public struct WorkflowClient: Sendable {
    let store: SQLiteStore
    let registry: WorkflowRegistry
    let notifier: ChangeNotifier
    let clock: any EngineClock

    /// Opens the database; `createIfMissing` false makes a missing file an error.
    public init(
        databasePath: String, registry: WorkflowRegistry, createIfMissing: Bool = true, clock: any EngineClock = SystemClock()
    ) throws {
        store = try SQLiteStore(path: databasePath, createIfMissing: createIfMissing)
        self.registry = registry
        notifier = ChangeNotifier(databasePath: databasePath)
        self.clock = clock
    }

    /// Queues a new run of `type`. Fails if the workflow ID has an open run.
    public func start(type: String, input: Data, id: String? = nil) async throws -> RunRecord {
        try registry.validate(type: type, input: input)
        let runID = RunIdentifier.make()
        let run = try await store.startRun(
            NewRun(runID: runID, workflowID: id ?? runID, workflowType: type, input: input), now: clock.now())
        notifier.touch()
        return run
    }

    public func list(_ filter: RunFilter = RunFilter()) async throws -> [RunRecord] {
        try await store.listRuns(filter)
    }

    /// The run an ID names (run ID, or a workflow ID's latest run).
    public func run(_ id: String) async throws -> RunRecord {
        guard let run = try await store.resolve(id) else {
            throw EngineError(.notFound, "no workflow or run with ID \(id)")
        }
        return run
    }

    public func describe(_ id: String) async throws -> RunDescription {
        let run = try await run(id)
        let liveness = run.status.isOpen ? run.owner.map { WorkerLivenessLock.liveness(of: $0, databasePath: store.path) } : nil
        return RunDescription(run: run, history: try await store.history(runID: run.runID), ownerLiveness: liveness)
    }

    public func export(_ id: String) async throws -> ExportedHistory {
        let run = try await run(id)
        return ExportedHistory(run: run, events: try await store.history(runID: run.runID))
    }

    /// The run's final record; with `wait`, blocks until it closes (following continue-as-new).
    public func result(_ id: String, wait: Bool) async throws -> RunRecord {
        var current = try await run(id)
        guard wait else { return current }
        // Woken by the worker's change notices; re-checked every second regardless.
        let wake = Mailbox<Void>()
        let watcher = Task { [notifier] in
            for await _ in notifier.changes() { wake.post(()) }
        }
        let ticker = Task {
            while (try? await Task.sleep(for: .seconds(1))) != nil { wake.post(()) }
        }
        defer {
            watcher.cancel()
            ticker.cancel()
        }
        while true {
            if current.status == .continued, let next = current.nextRunID {
                current = try await run(next)
                continue
            }
            if !current.status.isOpen { return current }
            _ = await wake.take()
            current = try await run(current.runID)
        }
    }

    public func signal(_ id: String, name: String, payload: Data?) async throws {
        let run = try await run(id)
        _ = try await store.sendSignal(workflowID: run.workflowID, name: name, payload: payload, now: clock.now())
        notifier.touch()
    }

    public func cancel(_ id: String) async throws -> RunRecord {
        let run = try await store.requestCancel(id, now: clock.now())
        notifier.touch()
        return run
    }

    public func terminate(_ id: String, reason: String) async throws -> RunRecord {
        let run = try await store.terminate(id, reason: reason, now: clock.now())
        notifier.touch()
        return run
    }

    /// Replays the run's history against the registered code, without side effects.
    public func replay(_ id: String, verbose: Bool = false) async throws -> ReplayReport {
        let exported = try await export(id)
        return try await Replayer(registry: registry, verbose: verbose).replay(exported: exported)
    }

    /// Starts a new run of the same type and input whose first `steps` steps are copied
    /// from the old history; it continues live from there with the current code.
    public func fork(_ id: String, fromStep steps: Int, newID: String? = nil) async throws -> RunRecord {
        let source = try await export(id)
        guard steps >= 0 else { throw EngineError(.invalidInput, "--from-step must be 0 or more (got \(steps))") }
        try registry.validate(type: source.run.workflowType, input: source.run.input)
        let copied = source.events.filter { event in
            guard let step = event.step else { return false }
            return step < steps
        }
        let runID = RunIdentifier.make()
        let workflowID = newID ?? "\(source.run.workflowID)-fork-\(runID.prefix(8))"
        let run = try await store.startRun(
            NewRun(runID: runID, workflowID: workflowID, workflowType: source.run.workflowType, input: source.run.input),
            copying: copied, now: clock.now())
        notifier.touch()
        return run
    }

    /// Forks from the step where the run failed, so the failed step runs again with the current code.
    public func retry(_ id: String, newID: String? = nil) async throws -> RunRecord {
        let source = try await export(id)
        guard source.run.status == .failed else {
            throw EngineError(.invalidInput, "run \(source.run.runID) is \(source.run.status.rawValue), not failed; use fork --from-step N")
        }
        let failed = source.events.last(where: { $0.kind == .activityFailed || ($0.kind == .childClosed && $0.error != nil) })?.step
        let lastStep = source.events.compactMap(\.step).max().map { $0 + 1 } ?? 0
        return try await fork(id, fromStep: failed ?? lastStep, newID: newID)
    }
}
