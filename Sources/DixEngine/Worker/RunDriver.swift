import DequeModule
import Foundation
import Logging
import Metrics
import Synchronization

/// Drives one run: executes its workflow code on a deterministic executor, hands it recorded
/// results in history order, then runs new steps live, committing each completion before
/// delivering it.
///
/// The same driver replays without side effects (`environment == nil`): that is the debugger.
final class RunDriver: InlineActivityRunner {
    let run: RunRecord
    let core: RunCore
    let context: WorkflowContext
    let executor: WorkflowExecutor
    let environment: DriverEnvironment?
    let mailbox = Mailbox<DriverMessage>()
    let logger: Logger
    /// The steps running live, with what stops them.
    private let liveTasks = Mutex<[Int: LiveStep]>([:])
    private let workflowEntry: WorkflowRegistry.WorkflowEntry?
    /// The history passed its warning size, and the driver said so (once per drive).
    private let warnedAboutSize = Atomic<Bool>(false)
    /// The activity type this run last ran in its code's job (see ``inlineActivity(for:_:)``).
    private let lastInlineActivity = Mutex<InlineActivity?>(nil)

    init(run: RunRecord, history: [HistoryEvent], registry: WorkflowRegistry, environment: DriverEnvironment?, logger: Logger, verbose: Bool = false) {
        self.run = run
        self.environment = environment
        var logger = logger
        logger[metadataKey: "run_id"] = "\(run.runID)"
        logger[metadataKey: "workflow_id"] = "\(run.workflowID)"
        logger[metadataKey: "workflow_type"] = "\(run.workflowType)"
        self.logger = logger
        let recorded = RecordedHistory(history)
        let executor = WorkflowExecutor()
        self.executor = executor
        let committer = environment?.committer
        let runID = run.runID
        let leaseToken = run.leaseToken
        var record: (@Sendable (HistoryEvent, Data?) -> Void)?
        if let committer {
            // Not awaited (the code goes on at once), but a failure stops the drive: the
            // committer refuses the run's later writes, and the run is driven again from
            // what was stored, where this step is still to be taken.
            record = { [mailbox] event, status in
                var write = RunWrite(runID: runID, leaseToken: leaseToken, events: [event])
                write.publishedStatus = status
                committer.submit(write) { result in
                    if case .failure(let error) = result { mailbox.post(.liveWriteFailed(error)) }
                }
            }
        }
        let core = RunCore(
            run: run, history: recorded, clock: environment?.clock ?? SystemClock(), replayOnly: environment == nil,
            executor: executor, record: record)
        self.core = core
        var workflowLogger = logger
        workflowLogger.handler = ReplayAwareLogHandler(base: logger.handler, core: core, verbose: verbose)
        context = WorkflowContext(core: core, logger: workflowLogger)
        workflowEntry = registry.workflows[run.workflowType]
        if environment != nil {
            core.driverHooks.withLock {
                $0 = RunCore.DriverHooks(
                    start: { [weak self] command in self?.startWhileIdle(command) ?? false },
                    wake: { [mailbox] in mailbox.postIfIdle(.wake) },
                    inline: self)
            }
        }
    }

    /// How a drive ended.
    enum Ending: Sendable {
        case closed(RunStatus)
        case abandoned(String)
        case blocked(NonDeterminismError)
        /// Replay only: the history ran out while the code still waited.
        case historyEnded
    }

    // MARK: The loop

    /// Drives the run on its own executor (see ``WorkflowExecutor``).
    func drive() async -> Ending {
        await withTaskExecutorPreference(executor) { await driveOnExecutor() }
    }

    private func driveOnExecutor() async -> Ending {
        guard let entry = workflowEntry else {
            let message = "workflow type '\(run.workflowType)' is not registered with this worker"
            if environment != nil {
                return await close(.failure(ErrorInfo(type: "UnknownWorkflowType", message: message, nonRetryable: true)))
            }
            return .abandoned(message)
        }
        let input = run.input
        let context = self.context
        let core = self.core
        Task(executorPreference: executor) {
            core.noteRootTask()
            do {
                core.finish(.success(try await entry.run(input, context)))
            } catch {
                core.finish(.failure(error))
            }
        }
        var deferred: [StepCommand] = []
        var signalWaits: [Int: StepCommand] = [:]
        var childWaits: [String: Int] = [:]

        /// Messages taken from the mailbox while waiting for an own write, handled next.
        var backlog: [DriverMessage] = []
        var ownWrites = 0

        /// Delivers a live step's completion, which its task committed (see ``complete(step:events:)``).
        func deliverLive(step: Int, event: HistoryEvent, _ result: Result<Int, Error>) async throws {
            try checkHistorySize(try result.get())
            guard core.deliver(step: step, Self.outcome(for: event, step: step)) else { return }
            await executor.waitUntilIdle()
        }

        /// Commits one of the driver's own writes. Live completions reach the mailbox in commit
        /// order; those committed before this write are delivered before it returns (so the
        /// code sees results in history order, as a replay will), other messages wait in the
        /// backlog.
        func commit(_ write: RunWrite) async throws -> WriteReceipt {
            ownWrites += 1
            let token = ownWrites
            environment!.committer.submit(write, inline: true) { [mailbox] result in
                mailbox.post(.ownWriteCommitted(token: token, result))
            }
            while true {
                let messages = await mailbox.take()
                for (position, message) in messages.enumerated() {
                    switch message {
                    case .ownWriteCommitted(token, let result):
                        backlog += messages[(position + 1)...]
                        let receipt = try result.get()
                        try checkHistorySize(receipt.eventCount)
                        return receipt
                    case .liveStepCommitted(let step, let event, let result):
                        try await deliverLive(step: step, event: event, result)
                    default:
                        backlog.append(message)
                    }
                }
            }
        }

        /// Commits `write` and delivers the completion it produced, waiting for the code to settle.
        func commitAndDeliver(_ write: RunWrite) async throws -> HistoryEvent? {
            let receipt = try await commit(write)
            guard let completion = receipt.completion, let step = completion.step else { return nil }
            core.deliver(step: step, Self.outcome(for: completion, step: step))
            await executor.waitUntilIdle()
            return completion
        }

        func startLive(_ command: StepCommand) async throws {
            guard let environment else { return }
            if environment.isDraining() {
                deferred.append(command)
                return
            }
            let recorded = core.state.withLock { $0.history.steps[command.step] }
            let write = RunWrite(runID: run.runID, leaseToken: run.leaseToken)
            switch command.kind {
            case .activity:
                guard let entry = environment.registry.activities[command.name] else {
                    mailbox.post(.completed(step: command.step, events: [HistoryEvent(
                        step: command.step, kind: .activityFailed, name: command.name, attempt: 1, inputDigest: command.digest,
                        input: command.input,
                        error: ErrorInfo(
                            type: "ActivityNotRegistered", message: "activity '\(command.name)' is not registered with this worker",
                            nonRetryable: true),
                        detail: EventDetail(options: command.options), time: environment.clock.now())]))
                    return
                }
                if !startActivity(command, entry: entry, recorded: recorded, environment: environment) {
                    deferred.append(command)
                }
            case .timer:
                let fireAt = recorded?.deadline ?? environment.clock.now().addingTimeInterval((command.duration ?? .zero).seconds)
                if recorded?.deadline == nil {
                    var started = write
                    started.events = [HistoryEvent(
                        step: command.step, kind: .timerStarted, name: command.name, inputDigest: command.digest,
                        detail: EventDetail(deadline: fireAt), time: environment.clock.now())]
                    environment.committer.submit(started)
                }
                spawn(command.step) { [self, clock = environment.clock] in
                    guard (try? await clock.sleep(until: fireAt)) != nil else { return }
                    complete(step: command.step, events: [HistoryEvent(
                        step: command.step, kind: .timerFired, name: command.name, inputDigest: command.digest,
                        time: clock.now())])
                }
            case .signal:
                let now = environment.clock.now()
                let deadline = recorded?.deadline ?? command.duration.map { now.addingTimeInterval($0.seconds) }
                var consume = write
                let ifNone: RunWrite.NoSignal =
                    recorded?.waitRecorded == true ? ((deadline.map { now >= $0 } ?? false) ? .timeOut : .keepWaiting)
                    : .recordWait(deadline: deadline)
                consume.action = .consumeSignal(step: command.step, name: command.name, ifNone: ifNone, time: now)
                if try await commitAndDeliver(consume) == nil {
                    signalWaits[command.step] = command
                    if let deadline {
                        spawn(command.step) { [mailbox, clock = environment.clock] in
                            guard (try? await clock.sleep(until: deadline)) != nil else { return }
                            mailbox.post(.signalDeadline(step: command.step))
                        }
                    }
                }
            case .sendSignal:
                var send = write
                send.action = .sendSignal(
                    step: command.step, target: command.target ?? "", name: command.name, payload: command.input,
                    time: environment.clock.now())
                _ = try await commitAndDeliver(send)
                environment.notifyOthers()
            case .startChild:
                guard var child = command.child else { return }
                child.owner = environment.workerID
                child.leaseExpiresAt = environment.clock.now().addingTimeInterval(environment.leaseDuration.seconds)
                var start = write
                start.action = .startChild(step: command.step, run: child, digest: command.digest, time: environment.clock.now())
                if let completion = try await commitAndDeliver(start), completion.error == nil,
                    let childRun = try await environment.store.run(id: child.runID)
                {
                    environment.launch(childRun, try await environment.store.history(runID: child.runID))
                }
            case .childResult:
                try await checkChild(command, environment: environment, waits: &childWaits)
            case .sideEffect, .status:
                break
            }
        }

        func checkChild(_ command: StepCommand, environment: DriverEnvironment, waits: inout [String: Int]) async throws {
            var child = try await environment.store.run(id: command.target ?? "")
            while let current = child, current.status == .continued, let next = current.nextRunID {
                child = try await environment.store.run(id: next)
            }
            guard let child else {
                var write = RunWrite(runID: run.runID, leaseToken: run.leaseToken)
                write.events = [HistoryEvent(
                    step: command.step, kind: .childClosed, name: command.name, inputDigest: command.digest,
                    error: ErrorInfo(type: "WorkflowNotFound", message: "child run \(command.target ?? "") is gone", nonRetryable: true),
                    time: environment.clock.now())]
                try await deliverCommitted(write)
                return
            }
            guard !child.status.isOpen else {
                waits[child.runID] = command.step
                return
            }
            var write = RunWrite(runID: run.runID, leaseToken: run.leaseToken)
            write.events = [HistoryEvent(
                step: command.step, kind: .childClosed, name: command.name, inputDigest: command.digest,
                output: child.result, error: child.error,
                detail: EventDetail(workflowID: child.workflowID, runID: child.runID, status: child.status),
                time: environment.clock.now())]
            waits.removeValue(forKey: child.runID)
            try await deliverCommitted(write)
        }

        /// Commits events that resolve `steps`, then delivers them in order.
        func deliverCommitted(_ write: RunWrite) async throws {
            _ = try await commit(write)
            for event in write.events where event.kind.isCompletion {
                guard let step = event.step else { continue }
                core.deliver(step: step, Self.outcome(for: event, step: step))
                await executor.waitUntilIdle()
            }
        }

        do {
            while true {
                await executor.waitUntilIdle()
                if let error = core.state.withLock({ $0.nondeterminism }) {
                    stopLiveTasks()
                    core.abandon(error.description)
                    logger.error("workflow code diverged from its history; the run is blocked until the code is fixed", metadata: ["error": "\(error)"])
                    return .blocked(error)
                }
                if let abandoned = core.state.withLock({ $0.abandoned }) {
                    stopLiveTasks()
                    return .abandoned(abandoned.reason)
                }
                let replaying = core.state.withLock { $0.history.isReplaying }
                // Starting a step may deliver its result at once, and the code may issue more.
                var issued = core.takeIssued()
                while !issued.isEmpty {
                    for command in issued {
                        if core.state.withLock({ $0.history.steps[command.step]?.isCompleted == true }) { continue }
                        // Canceled or abandoned since it was issued: nothing awaits it any more.
                        if core.pendingCommand(command.step) == nil { continue }
                        if replaying || environment == nil {
                            deferred.append(command)
                        } else {
                            try await startLive(command)
                        }
                    }
                    issued = core.takeIssued()
                }
                // Deliver the next recorded completion, if any remain.
                if let event = core.state.withLock({ $0.history.popCompletion() }) {
                    if event.kind == .cancelRequested {
                        stopLiveTasks()
                        core.deliverCancellation()
                        continue
                    }
                    let step = event.step ?? -1
                    guard core.pendingCommand(step) != nil else {
                        let recorded = core.state.withLock { $0.history.descriptor(of: step) }
                        let error = NonDeterminismError(step: step, recorded: recorded, actual: nil)
                        core.state.withLock { if $0.nondeterminism == nil { $0.nondeterminism = error } }
                        continue
                    }
                    core.deliver(step: step, Self.outcome(for: event, step: step))
                    continue
                }
                if let outcome = core.state.withLock({ $0.outcome }) {
                    if environment == nil { return replayEnding(outcome) }
                    return await close(outcome)
                }
                guard environment != nil else { return .historyEnded }
                if !deferred.isEmpty && !(environment?.isDraining() ?? true) {
                    let commands = deferred
                    deferred.removeAll()
                    for command in commands where core.pendingCommand(command.step) != nil {
                        try await startLive(command)
                    }
                    continue
                }
                // Live: wait for what happens next. Waiting idle, the driver lets activities be
                // started and delivered without it (see ``startWhileIdle(_:)``); the code they
                // woke runs to idle before the driver goes on, as after its own deliveries.
                logger.trace("driver waiting", metadata: ["signal_waits": "\(signalWaits.keys.sorted())", "pending": "\(core.pendingSteps.map(\.step))"])
                let waitedIdle = backlog.isEmpty
                let messages = waitedIdle ? await mailbox.take(idle: true) : backlog
                backlog.removeAll()
                if waitedIdle { await executor.waitUntilIdle() }
                logger.trace("driver messages", metadata: ["messages": "\(messages)"])
                // Committed completions first, in commit order: they precede in the history
                // anything the other messages make the driver commit.
                for case .liveStepCommitted(let step, let event, let result) in messages {
                    try await deliverLive(step: step, event: event, result)
                }
                var write = RunWrite(runID: run.runID, leaseToken: run.leaseToken)
                for message in messages {
                    switch message {
                    case .liveStepCommitted, .ownWriteCommitted:
                        break
                    case .completed(let step, let events):
                        liveTasks.withLock { _ = $0.removeValue(forKey: step) }
                        guard core.pendingCommand(step) != nil else { continue }
                        write.events += events
                    case .liveWriteFailed(let error):
                        throw error
                    case .signalsAvailable, .wake:
                        break
                    case .signalDeadline(let step):
                        guard let command = signalWaits.removeValue(forKey: step) else { continue }
                        var timeout = RunWrite(runID: run.runID, leaseToken: run.leaseToken)
                        timeout.action = .consumeSignal(step: step, name: command.name, ifNone: .timeOut, time: environment!.clock.now())
                        _ = try await commitAndDeliver(timeout)
                    case .cancelRequested:
                        if core.state.withLock({ $0.cancelDelivered }) { continue }
                        var cancel = RunWrite(runID: run.runID, leaseToken: run.leaseToken)
                        cancel.events = [HistoryEvent(kind: .cancelRequested, time: environment!.clock.now())]
                        cancel.markCancelDelivered = true
                        // Stopped first, so that no live step commits its completion after this.
                        stopLiveTasks()
                        _ = try await commit(cancel)
                        signalWaits.removeAll()
                        childWaits.removeAll()
                        core.deliverCancellation()
                        await executor.waitUntilIdle()
                    case .childClosed(let childRunID):
                        guard let step = childWaits.removeValue(forKey: childRunID), let command = core.pendingCommand(step) else { continue }
                        try await checkChild(command, environment: environment!, waits: &childWaits)
                    case .stop(let reason):
                        stopLiveTasks()
                        core.abandon(reason)
                        return .abandoned(reason)
                    }
                }
                if messages.contains(where: { if case .signalsAvailable = $0 { return true } else { return false } }) {
                    for step in signalWaits.keys.sorted() {
                        guard let command = signalWaits[step], core.pendingCommand(step) != nil else { continue }
                        var consume = RunWrite(runID: run.runID, leaseToken: run.leaseToken)
                        consume.action = .consumeSignal(step: step, name: command.name, ifNone: .keepWaiting, time: environment!.clock.now())
                        if try await commitAndDeliver(consume) != nil {
                            signalWaits.removeValue(forKey: step)
                            liveTasks.withLock { if case .task(let task) = $0.removeValue(forKey: step) { task.cancel() } }
                        }
                    }
                }
                if !write.events.isEmpty {
                    try await deliverCommitted(write)
                }
            }
        } catch let error as EngineError where error.code == .historyTooLarge {
            stopLiveTasks()
            core.abandon(error.message)
            return await close(.failure(error))
        } catch {
            stopLiveTasks()
            core.abandon("\(error)")
            logger.warning("stopped driving the run", metadata: ["reason": "\(error)"])
            return .abandoned("\(error)")
        }
    }

    // MARK: Live steps

    /// Starts an activity's attempts in a task of their own; false when the worker drains (the
    /// activity is then left for the next worker).
    private func startActivity(
        _ command: StepCommand, entry: WorkflowRegistry.ActivityEntry, recorded: RecordedHistory.Step?, environment: DriverEnvironment
    ) -> Bool {
        guard environment.activityBegins() else { return false }
        let runner = runner(
            for: command, entry: entry, recorded: recorded, limit: environment.limits[command.name],
            meters: environment.activityMeters.meters(for: entry.name, factory: environment.metrics), environment)
        spawn(command.step) {
            await runner.execute()
            environment.activityEnded()
        }
        return true
    }

    /// A runner of `command`'s attempts that records and completes through this driver.
    private func runner(
        for command: StepCommand, entry: WorkflowRegistry.ActivityEntry, recorded: RecordedHistory.Step?, limit: ConcurrencyLimit?,
        meters: ActivityMeters, _ environment: DriverEnvironment
    ) -> ActivityRunner {
        let step = command.step
        return ActivityRunner(
            command: command, recorded: recorded, entry: entry, limit: limit, workflowID: run.workflowID, runID: run.runID,
            clock: environment.clock, meters: meters, logger: logger, markers: environment.startedMarkers,
            record: { [self] in record(step: step, events: $0) },
            complete: { [self] in complete(step: step, events: $0) })
    }

    private func spawn(_ step: Int, _ body: @escaping @Sendable () async -> Void) {
        // Registered before the task can finish, so that its completion finds the step live;
        // the task is started outside the lock, which its completion takes at once.
        liveTasks.withLock { $0[step] = .starting }
        launch(step, body)
    }

    /// Starts the task of a step registered as starting.
    private func launch(_ step: Int, _ body: @escaping @Sendable () async -> Void) {
        let liveExecutor = LiveStepExecutor(workflow: executor)
        let task = Task(executorPreference: liveExecutor) {
            await body()
            // A task does not keep its preferred executor alive; this one lives as long as the task.
            withExtendedLifetime(liveExecutor) {}
        }
        let stopped = liveTasks.withLock { tasks -> Bool in
            guard let current = tasks[step] else { return true }
            if case .starting = current { tasks[step] = .task(task) }
            return false
        }
        if stopped { task.cancel() }
    }

    /// Commits a live step's completion from the task that produced it, unless the step was
    /// stopped first (canceled, abandoned); the driver hears of it, committed, through the
    /// mailbox. Not going through the driver first saves a thread hop per step; the lock
    /// orders it against ``stopLiveTasks()``, which precedes the commit of a cancellation.
    private func complete(step: Int, events: [HistoryEvent]) {
        guard let committer = environment?.committer,
            let event = events.last(where: { $0.kind.isCompletion })
        else { return }
        let write = RunWrite(runID: run.runID, leaseToken: run.leaseToken, events: events)
        let mustFlush = liveTasks.withLock { tasks -> Bool in
            guard tasks.removeValue(forKey: step) != nil else { return false }
            return committer.enqueue(write) { [self] result in deliverCommitted(step: step, event: event, result) }
        }
        // Outside the lock: the task is about to end, so it may as well commit.
        if mustFlush { committer.flush(inline: true) }
    }

    /// Delivers a live step's commit: at once if the driver and the code are idle, else through
    /// the driver.
    private func deliverCommitted(step: Int, event: HistoryEvent, _ result: Result<WriteReceipt, Error>) {
        if case .success(let receipt) = result, deliverWhileIdle(step: step, event: event, eventCount: receipt.eventCount) { return }
        mailbox.post(.liveStepCommitted(step: step, event: event, result.map(\.eventCount)))
    }

    // MARK: Activities run in the code's job

    // An activity the code issues while nothing else of the run is queued, and the driver waits
    // idle, would be started by the driver and its completion delivered to the code idle; nothing
    // else of the run could happen in between. So the code's job may as well run it and, once
    // the completion is durable, go on: the code sees what a replay shows it, and a step costs
    // no activity task and no job switches. This holds as long as the activity does not suspend
    // (most in-process activities do not): the code's job then never left the executor. And as
    // long as the driver still waits idle once the completion is durable: a live step of another
    // branch (a timer, an activity in its own task) may have committed first, and its delivery
    // then waits in the mailbox; this completion goes behind it, the usual way.
    //
    // Only the run function's own task does this (see ``RunCore/awaitActivity(_:)``), and only
    // when no live step started in the same drain still waits for its first job.
    //
    // One that suspends lets the run's executor go idle, and the rest of the run may go on
    // meanwhile; the activity's own jobs then run on the run's executor, one at a time with the
    // run's other jobs (the task's executor preference), until it returns. Its outcome then goes
    // to a runner task as a first attempt already made, and is delivered the usual way. So does
    // a failed attempt (retries wait durably), and a completion that needs the driver (a failed
    // or delayed commit, a history past its warning size). The worker remembers that the type
    // suspends: its later steps run in tasks of their own, off the run's executor, as before.
    // An activity that blocks without suspending holds the run's executor (its driver included)
    // until it returns, as it held its own task's thread before.
    //
    // While the activity runs, the step's entry cancels the task of the code that runs it: that
    // task then stays canceled (``RunCore/awaitActivity(_:)`` runs no more activities inline in
    // it, and workflow code must not look at `Task.isCancelled`: its steps tell it).

    /// An activity type that may run in the code's job, with its meters.
    struct InlineActivity: Sendable {
        let entry: WorkflowRegistry.ActivityEntry
        let meters: ActivityMeters
    }

    /// The activity `command` runs, if it may run in the code's job: a registered activity
    /// without timeouts to race or a concurrency limit to wait for.
    private func inlineActivity(for command: StepCommand, _ environment: DriverEnvironment) -> InlineActivity? {
        guard command.kind == .activity else { return nil }
        if let options = command.options,
            options.startToCloseTimeout != nil || options.heartbeatTimeout != nil || options.scheduleToCloseTimeout != nil
        {
            return nil
        }
        // A run mostly steps through the same few activities: the last one is kept at hand.
        if let last = lastInlineActivity.withLock({ $0 }), last.entry.name == command.name {
            return last.meters.suspends.load(ordering: .relaxed) ? nil : last
        }
        guard let entry = environment.registry.activities[command.name], environment.limits[command.name] == nil else { return nil }
        let activity = InlineActivity(entry: entry, meters: environment.activityMeters.meters(for: entry.name, factory: environment.metrics))
        lastInlineActivity.withLock { $0 = activity }
        return activity.meters.suspends.load(ordering: .relaxed) ? nil : activity
    }

    /// Runs an activity step in the code's job, if the driver waits idle and `claim` numbers the
    /// step; nil (nothing done) if not. See "Activities run in the code's job".
    nonisolated(nonsending) func runInline(_ command: StepCommand, claim: () -> Bool) async -> Result<Data?, Error>? {
        guard let environment, let activity = inlineActivity(for: command, environment) else { return nil }
        guard let task = withUnsafeCurrentTask(body: { $0.map(InlineTask.init) }) else { return nil }
        let step = command.step
        let claimed = mailbox.whileConsumerIdle {
            guard environment.activityBegins() else { return false }
            guard claim() else {
                environment.activityEnded()
                return false
            }
            liveTasks.withLock { $0[step] = .inline(task) }
            return true
        }
        guard claimed else { return nil }

        let scheduledAt = environment.clock.now()
        let sink = HeartbeatSink(previousDetails: nil, clock: environment.clock)
        let context = ActivityContext(
            attempt: 1, workflowID: run.workflowID, runID: run.runID, activityName: activity.entry.name, stepIndex: step,
            runLogger: logger, heartbeatSink: sink)
        let input = command.input ?? Data("null".utf8)
        let started = ContinuousClock.now
        // The step's command is in the core while it runs: the closure needs no copy of it.
        let marker = environment.startedMarkers.schedule(after: started) { [self] in
            guard let command = core.pendingCommand(step) else { return }
            record(step: step, events: [ActivityRunner.startedEvent(command, scheduledAt: scheduledAt)])
        }
        let jobs = executor.jobsStarted
        let outcome: Result<Data, Error>
        do { outcome = .success(try await activity.entry.run(input, context)) } catch { outcome = .failure(error) }
        let suspended = executor.jobsStarted != jobs
        environment.startedMarkers.cancel(marker)
        activity.meters.duration.recordNanoseconds(Int64((ContinuousClock.now - started).seconds * 1e9))

        if suspended { activity.meters.suspends.store(true, ordering: .relaxed) }
        guard !suspended, case .success(let output) = outcome else {
            // The rest, from the attempt made (it had no recorded state, limit or timeouts).
            var runner = runner(for: command, entry: activity.entry, recorded: nil, limit: nil, meters: activity.meters, environment)
            runner.ranInline = (outcome, scheduledAt, sink.details)
            return await continueInTask(runner, environment)
        }
        activity.meters.completed.increment()
        let event = ActivityRunner.completedEvent(command, output: output, attempt: 1, scheduledAt: scheduledAt, time: environment.clock.now())
        let write = RunWrite(runID: run.runID, leaseToken: run.leaseToken, events: [event])
        let committer = environment.committer
        // As in ``complete(step:events:)``, not once the step was stopped: taken from the live
        // steps and ordered against other writes (by the committer, or its queue) under one lock.
        enum Commit { case stopped, alone, queued(mustFlush: Bool) }
        let commit = liveTasks.withLock { tasks -> Commit in
            guard tasks.removeValue(forKey: step) != nil else { return .stopped }
            if committer.claimAlone(write) { return .alone }
            return .queued(mustFlush: committer.enqueue(write) { [self] result in deliverCommitted(step: step, event: event, result) })
        }
        if case .queued(mustFlush: true) = commit { committer.flush(inline: false) }
        let result = if case .alone = commit { committer.commitAlone(write, now: event.time) } else { Result<WriteReceipt, Error>?.none }
        environment.activityEnded()
        // Taken at once only while the driver still waits idle: a live step of another branch
        // may have committed first (the code's job kept it from delivering), and waits in the
        // mailbox to be delivered before this one.
        if case .success(let receipt)? = result, historySizeNeedsNoWord(receipt.eventCount),
            mailbox.whileConsumerIdle({ core.resolveInline(step: step) })
        {
            return .success(output)
        }
        // Stopped, queued behind others' commits, failed, or needing the driver (the history's
        // size): delivered the usual way. Not before the step is armed: every way of delivering
        // it waits for the executor to be idle, and this job has not left it.
        return await withUnsafeContinuation { continuation in
            guard core.arm(step: step, continuation), let result else { return }
            deliverCommitted(step: step, event: event, result)
        }
    }

    /// Leaves an activity that ran its first attempt in the code's job to a runner task, which
    /// goes on from that attempt, and waits for the step's delivery.
    private func continueInTask(_ runner: ActivityRunner, _ environment: DriverEnvironment) async -> Result<Data?, Error> {
        let step = runner.command.step
        let live = liveTasks.withLock { tasks -> Bool in
            guard case .inline = tasks[step] else { return false }
            tasks[step] = .starting
            return true
        }
        if !live { environment.activityEnded() }
        return await withUnsafeContinuation { continuation in
            guard core.arm(step: step, continuation) else {
                if live {
                    liveTasks.withLock { _ = $0.removeValue(forKey: step) }
                    environment.activityEnded()
                }
                return
            }
            guard live else { return }
            launch(step) {
                await runner.execute()
                environment.activityEnded()
            }
        }
    }

    // MARK: History size

    /// Whether a history of `eventCount` events is within its limit, and below its warning size
    /// or past it with the warning given.
    private func historySizeNeedsNoWord(_ eventCount: Int) -> Bool {
        guard let environment else { return true }
        return eventCount <= environment.historyLimitEvents
            && (eventCount <= environment.historyWarningEvents || warnedAboutSize.load(ordering: .relaxed))
    }

    /// Warns (once per drive) of a history past its warning size, and throws past its limit.
    private func checkHistorySize(_ eventCount: Int) throws {
        guard !historySizeNeedsNoWord(eventCount), let environment else { return }
        if eventCount > environment.historyWarningEvents && !warnedAboutSize.exchange(true, ordering: .relaxed) {
            logger.warning("history is large; long-lived workflows should continue-as-new", metadata: ["events": "\(eventCount)"])
            Counter(label: "workflow_history_warnings_total", dimensions: [("type", run.workflowType)], factory: environment.metrics).increment()
        }
        if eventCount > environment.historyLimitEvents {
            throw EngineError(
                .historyTooLarge,
                "history of run \(run.runID) passed the limit of \(environment.historyLimitEvents) events; use continue-as-new")
        }
    }

    // MARK: Steps taken while the driver waits idle

    // A run stepping through activities one after another would otherwise wake its driver
    // twice per step: to start the activity the code issued, and to deliver its committed
    // completion. While the driver waits idle (nothing queued for it, nothing else to do), both
    // are done in its place, each under the mailbox's lock so that no message wakes the driver
    // halfway; anything else (another kind of step, a failed or large commit, a busy driver)
    // goes to the driver as before. What the code sees is the same: a completion is delivered
    // in commit order while the code is idle, and the driver lets the code run to idle before
    // it handles what woke it.

    /// Starts an activity that the code issued, as the driver would at its next turn (not once
    /// the worker drains: ``startActivity(_:entry:recorded:environment:)`` refuses then).
    private func startWhileIdle(_ command: StepCommand) -> Bool {
        guard command.kind == .activity, let environment, let entry = environment.registry.activities[command.name] else {
            return false
        }
        return mailbox.whileConsumerIdle {
            // Steps issued while recorded completions remain wait for them (the driver defers them).
            let recorded = core.state.withLock { state -> RecordedHistory.Step?? in
                state.history.isReplaying ? nil : .some(state.history.steps[command.step])
            }
            guard let recorded, recorded?.isCompleted != true else { return false }
            return startActivity(command, entry: entry, recorded: recorded, environment: environment)
        }
    }

    /// Delivers a live step's committed completion if neither the driver nor the code is busy,
    /// and the history's size needs no word from the driver.
    private func deliverWhileIdle(step: Int, event: HistoryEvent, eventCount: Int) -> Bool {
        guard historySizeNeedsNoWord(eventCount) else { return false }
        return mailbox.whileConsumerIdle {
            executor.isIdle && core.deliver(step: step, Self.outcome(for: event, step: step))
        }
    }

    /// Commits events of a live step that resolve nothing (a failed attempt, a started
    /// marker), unless the step was stopped or completed.
    private func record(step: Int, events: [HistoryEvent]) {
        guard let committer = environment?.committer else { return }
        let write = RunWrite(runID: run.runID, leaseToken: run.leaseToken, events: events)
        let mustFlush = liveTasks.withLock { tasks -> Bool in
            guard tasks[step] != nil else { return false }
            return committer.enqueue(write) { [mailbox] result in
                if case .failure(let error) = result { mailbox.post(.liveWriteFailed(error)) }
            }
        }
        if mustFlush { committer.flush(inline: false) }
    }

    private func stopLiveTasks() {
        let tasks = liveTasks.withLock { tasks in
            defer { tasks.removeAll() }
            return tasks.values.compactMap { step -> Task<Void, Never>? in
                switch step {
                case .task(let task): return task
                case .starting: return nil
                case .inline(let task):
                    // Under the lock, while its entry is there (see ``InlineTask``).
                    task.cancel()
                    return nil
                }
            }
        }
        tasks.forEach { $0.cancel() }
    }

    // MARK: Closing

    private func close(_ outcome: Result<Data, Error>) async -> Ending {
        guard let environment else { return .historyEnded }
        let now = environment.clock.now()
        var write = RunWrite(runID: run.runID, leaseToken: run.leaseToken)
        var close: RunWrite.Close
        var successor: NewRun?
        switch outcome {
        case .success(let result):
            close = .init(status: .completed, result: result)
            write.events = [HistoryEvent(kind: .workflowCompleted, output: result, time: now)]
        case .failure(let next as ContinueAsNew):
            let type = next.workflowType ?? run.workflowType
            successor = NewRun(
                workflowID: run.workflowID, workflowType: type, input: next.input, owner: environment.workerID,
                leaseExpiresAt: now.addingTimeInterval(environment.leaseDuration.seconds), previousRunID: run.runID)
            close = .init(status: .continued, successor: successor)
            write.events = [HistoryEvent(
                kind: .workflowContinuedAsNew, name: type, input: next.input,
                detail: EventDetail(workflowID: run.workflowID, runID: successor!.runID), time: now)]
        case .failure(let abandoned as RunAbandoned):
            return .abandoned(abandoned.reason)
        case .failure(let error) where error is CancellationError && core.state.withLock({ $0.cancelDelivered }):
            let info = ErrorInfo(type: "CanceledError", message: "the run was canceled", nonRetryable: true)
            close = .init(status: .canceled, error: info)
            write.events = [HistoryEvent(kind: .workflowCanceled, error: info, time: now)]
        case .failure(let error):
            let info = ErrorInfo(error)
            close = .init(status: .failed, error: info)
            write.events = [HistoryEvent(kind: .workflowFailed, error: info, time: now)]
        }
        write.close = close
        let closedRun: RunRecord?
        do {
            closedRun = try await environment.committer.commit(write, inline: true).closedRun
        } catch {
            logger.warning("could not close the run", metadata: ["reason": "\(error)"])
            return .abandoned("\(error)")
        }
        let duration = now.timeIntervalSince(run.startedAt ?? run.createdAt)
        Counter(
            label: "workflow_executions_total", dimensions: [("type", run.workflowType), ("status", close.status.rawValue)],
            factory: environment.metrics
        ).increment()
        Metrics.Timer(label: "workflow_duration_seconds", dimensions: [("type", run.workflowType)], factory: environment.metrics)
            .recordNanoseconds(Int64(max(0, duration) * 1e9))
        if close.status == .failed {
            logger.error("workflow failed", metadata: ["error": "\(close.error.map { "\($0)" } ?? "")"])
        } else {
            logger.debug("workflow closed", metadata: ["status": "\(close.status.rawValue)"])
        }
        environment.runClosed(run, closedRun)
        if let successor {
            // A new run has recorded no steps yet: it starts from its input.
            environment.launch(RunRecord(created: successor, at: now), [])
        }
        return .closed(close.status)
    }

    private func replayEnding(_ outcome: Result<Data, Error>) -> Ending {
        switch outcome {
        case .success: return .closed(.completed)
        case .failure(is ContinueAsNew): return .closed(.continued)
        case .failure(let error as RunAbandoned): return .abandoned(error.reason)
        case .failure(let error) where error is CancellationError: return .closed(.canceled)
        case .failure: return .closed(.failed)
        }
    }

    /// What a recorded completion means to the code awaiting it.
    static func outcome(for event: HistoryEvent, step: Int) -> Result<Data?, Error> {
        switch event.kind {
        case .activityCompleted:
            return .success(event.output)
        case .activityFailed:
            return .failure(ActivityFailure(
                activityName: event.name ?? "", step: step, attempts: event.attempt ?? 1,
                cause: event.error ?? ErrorInfo(type: "Unknown", message: "no error recorded")))
        case .signalReceived:
            return .success(event.output ?? Data("null".utf8))
        case .timerFired, .signalTimedOut:
            return .success(nil)
        case .signalSent:
            if let error = event.error { return .failure(error) }
            return .success(nil)
        case .childStarted:
            if let error = event.error { return .failure(error) }
            let started = ChildStarted(workflowID: event.detail?.workflowID ?? "", runID: event.detail?.runID ?? "")
            return .success(try? PayloadCodec.encode(started))
        case .childClosed:
            if event.detail?.status == .completed { return .success(event.output) }
            return .failure(ChildWorkflowFailure(
                workflowID: event.detail?.workflowID ?? "", runID: event.detail?.runID ?? "",
                status: event.detail?.status ?? .failed, cause: event.error))
        default:
            return .failure(ErrorInfo(type: "UnexpectedEvent", message: "event \(event.kind.rawValue) resolves no step"))
        }
    }
}

/// How a live step is stopped.
enum LiveStep: Sendable {
    /// Registered; its task is about to start.
    case starting
    case task(Task<Void, Never>)
    /// Running in the workflow code's job (see "Activities run in the code's job").
    case inline(InlineTask)
}

/// The task of workflow code that runs an activity in its own job, to cancel the activity.
///
/// Unchecked: an `UnsafeCurrentTask` may be used only while its task exists. The driver cancels
/// it only under its live-steps lock while the step's entry is there, and the task removes that
/// entry under the same lock before it goes on from the activity.
struct InlineTask: @unchecked Sendable {
    private let task: UnsafeCurrentTask

    init(_ task: UnsafeCurrentTask) {
        self.task = task
    }

    func cancel() { task.cancel() }
}
