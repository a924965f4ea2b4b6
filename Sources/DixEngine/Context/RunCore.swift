import Foundation
import Logging
import Synchronization

/// Runs an activity step in the workflow code's calling job, if it may and `claim` numbers the
/// step; nil when it does not, with nothing done (see ``RunCore/awaitActivity(_:)``).
protocol InlineActivityRunner: AnyObject, Sendable {
    nonisolated(nonsending) func runInline(_ command: StepCommand, claim: () -> Bool) async -> Result<Data?, Error>?
}

/// The state one run's workflow code and its driver share: step numbering, the recorded
/// history, and the steps awaiting a result.
///
/// Workflow code touches it from the deterministic executor; the driver only while that
/// executor is idle. The mutex makes the hand-over safe, not contended.
final class RunCore: Sendable {
    struct Pending {
        var command: StepCommand
        /// Resumed exactly once: by whoever removes the step from `pending`, under the lock
        /// (unchecked, as every step of every run takes one). Nil while the step runs in the
        /// code's own job (see ``awaitActivity(_:)``), which awaits nothing meanwhile.
        var continuation: UnsafeContinuation<Result<Data?, Error>, Never>?
    }

    struct State {
        var history: RecordedHistory
        var nextStep = 0
        var pending: [Int: Pending] = [:]
        var issued: [StepCommand] = []
        /// The steps issued, for replay reports (kept in replay-only mode).
        var trace: [ReplayStep] = []
        var cancelDelivered = false
        var abandoned: RunAbandoned?
        var nondeterminism: NonDeterminismError?
        var outcome: Result<Data, Error>?
        var replayOnly: Bool
    }

    let runID: String
    let workflowID: String
    let workflowType: String
    let clock: any EngineClock
    /// Receives the events of steps that complete without waiting (side effects, status).
    let record: (@Sendable (HistoryEvent, _ publishedStatus: Data?) -> Void)?
    let state: Mutex<State>
    /// The executor the workflow code runs on; see ``await(_:)`` for why the core looks at it.
    let executor: WorkflowExecutor?

    /// How a live run's driver lets the code go on without it while it waits idle.
    struct DriverHooks: Sendable {
        /// Starts a step in the driver's place; false when the driver must (it is busy, or the
        /// step is not one it leaves to others).
        let start: @Sendable (StepCommand) -> Bool
        /// Tells an idle driver that the code has issued a step for it, or ended.
        let wake: @Sendable () -> Void
        /// Runs activity steps in the code's calling job (see ``awaitActivity(_:)``).
        weak var inline: (any InlineActivityRunner)?
    }
    /// Set by a live run's driver once it exists.
    let driverHooks = Mutex<DriverHooks?>(nil)

    init(
        run: RunRecord, history: RecordedHistory, clock: any EngineClock, replayOnly: Bool,
        executor: WorkflowExecutor? = nil, record: (@Sendable (HistoryEvent, Data?) -> Void)?
    ) {
        runID = run.runID
        workflowID = run.workflowID
        workflowType = run.workflowType
        self.clock = clock
        self.record = record
        self.executor = executor
        var initial = State(history: history, replayOnly: replayOnly)
        // About one report line per recorded completion.
        if replayOnly { initial.trace.reserveCapacity(history.completions.count) }
        state = Mutex(initial)
    }

    /// Whether recorded completions remain to be delivered (the code is catching up).
    var isReplaying: Bool {
        state.withLock { $0.replayOnly || $0.history.isReplaying }
    }

    // MARK: Issuing steps (workflow side)

    /// Numbers a new step and checks it against the history. Returns nil when the run can no
    /// longer take steps (the error says why).
    private func number(_ make: (Int) -> StepCommand, _ state: inout State) -> Result<StepCommand, Error> {
        if let abandoned = state.abandoned { return .failure(abandoned) }
        let command = make(state.nextStep)
        state.nextStep += 1
        if state.history.recordedStep(command.step, matches: command) == false {
            let recorded = state.history.descriptor(of: command.step)
            let error = NonDeterminismError(step: command.step, recorded: recorded, actual: command.descriptor)
            if state.nondeterminism == nil { state.nondeterminism = error }
            state.abandoned = RunAbandoned(reason: error.description)
            return .failure(state.abandoned!)
        }
        return .success(command)
    }

    /// Issues a step the workflow awaits, and suspends until the driver delivers its outcome.
    ///
    /// While replaying, a step whose recorded completion is the next one to deliver returns it
    /// at once when no other job of the workflow is queued: the driver would deliver exactly
    /// that completion as soon as this job suspends and the executor goes idle, so taking it
    /// here changes no order and saves two job switches per recorded step.
    nonisolated(nonsending) func await(_ make: (Int) -> StepCommand) async -> Result<Data?, Error> {
        if let recorded = replayImmediately(make) { return recorded }
        return await withUnsafeContinuation { (continuation: UnsafeContinuation<Result<Data?, Error>, Never>) in
            let hooks = driverHooks.withLock { $0 }
            let issued = state.withLock { state -> Result<StepCommand, Error>? in
                if state.cancelDelivered { return .failure(CancellationError()) }
                let numbered = number(make, &state)
                guard case .success(let command) = numbered else { return numbered }
                state.pending[command.step] = Pending(command: command, continuation: continuation)
                if state.replayOnly { state.trace.append(Self.traceEntry(command, state.history)) }
                // Left to the driver; a live run's step may be started at once below.
                guard hooks != nil else {
                    state.issued.append(command)
                    return nil
                }
                return numbered
            }
            switch issued {
            case nil:
                break
            case .failure(let error):
                continuation.resume(returning: .failure(error))
                // The run may have diverged: its driver must look.
                hooks?.wake()
            case .success(let command):
                // Started by the workflow's own job when the driver waits idle, or issued to it
                // as usual. (No other job of the run runs meanwhile: the executor is serial, and
                // nothing delivers to a run whose code is running.)
                if hooks?.start(command) == true { return }
                state.withLock { $0.issued.append(command) }
                hooks?.wake()
            }
        }
    }

    /// Issues an activity step and returns its outcome.
    ///
    /// A live run's activity may run in this very job of the code, its completion committed
    /// before the code goes on, when nothing else of the run is queued: the driver would start it
    /// and deliver its completion to the code idle, and nothing could run in between, so the code
    /// sees the same as on a replay, without an activity task and two job switches per step (about
    /// a tenth of a durable step's time). Only in the run function's own task (see
    /// ``isRootTask``). The driver decides (see ``RunDriver/runInline(_:claim:)``); anything else
    /// takes ``await(_:)``.
    nonisolated(nonsending) func awaitActivity(_ make: (Int) -> StepCommand) async -> Result<Data?, Error> {
        guard let inline = driverHooks.withLock({ $0?.inline }), executor?.mayRunActivityInline == true, isRootTask,
            !Task.isCancelled,
            let step = state.withLock({ state in
                state.history.isReplaying || state.cancelDelivered || state.abandoned != nil ? nil : state.nextStep
            })
        else {
            return await self.await(make)
        }
        let command = make(step)
        if let outcome = await inline.runInline(command, claim: { self.claimInline(command) }) { return outcome }
        return await self.await { $0 == command.step ? command : make($0) }
    }

    /// The run function's own task (its hash; 0 until it starts, see ``noteRootTask()``).
    private let rootTask = Atomic<Int>(0)

    /// Notes the calling task as the run function's own: called first thing in it.
    func noteRootTask() {
        rootTask.store(withUnsafeCurrentTask { $0?.hashValue } ?? 0, ordering: .relaxed)
    }

    /// Whether the caller is the run function's own task. Only that one runs activities in its
    /// job: a child task (a task group's, an `async let`'s) may be canceled by the workflow code
    /// itself, and an activity running in it would see that cancellation, where one in a task of
    /// its own never does. Nothing but the engine cancels the run function's task.
    private var isRootTask: Bool {
        let root = rootTask.load(ordering: .relaxed)
        return root != 0 && withUnsafeCurrentTask { $0?.hashValue } == root
    }

    /// Numbers `command` as the next step, to run in the code's job: only a step beyond the
    /// history that nothing recorded yet, in a run still taking steps. Its entry in `pending`
    /// has no continuation until the step needs one (see ``arm(step:_:)``).
    private func claimInline(_ command: StepCommand) -> Bool {
        state.withLock { state in
            guard !state.replayOnly, !state.cancelDelivered, state.abandoned == nil, !state.history.isReplaying,
                state.nextStep == command.step, state.history.steps[command.step] == nil
            else { return false }
            state.nextStep += 1
            state.pending[command.step] = Pending(command: command, continuation: nil)
            return true
        }
    }

    /// Lets a step claimed by ``claimInline(_:)`` be resolved the usual way: by ``deliver(step:_:)``,
    /// or by cancellation or abandonment. False when one of these already took the step away, and
    /// `continuation` was resumed with what they delivered.
    func arm(step: Int, _ continuation: UnsafeContinuation<Result<Data?, Error>, Never>) -> Bool {
        let resolved = state.withLock { state -> Error? in
            if state.pending[step] != nil {
                state.pending[step]?.continuation = continuation
                return nil
            }
            return state.abandoned ?? (state.cancelDelivered ? CancellationError() : RunAbandoned(reason: "step \(step) was stopped"))
        }
        guard let resolved else { return true }
        continuation.resume(returning: .failure(resolved))
        return false
    }

    /// Ends a step claimed by ``claimInline(_:)`` whose completion the code takes at once; false
    /// if something else resolved it first.
    func resolveInline(step: Int) -> Bool {
        state.withLock { state in
            guard let pending = state.pending[step], pending.continuation == nil else { return false }
            state.pending[step] = nil
            return true
        }
    }

    /// The recorded outcome of the step `make` issues, when it can be delivered without
    /// suspending (see ``await(_:)``); nil leaves the step to the driver, unnumbered.
    private func replayImmediately(_ make: (Int) -> StepCommand) -> Result<Data?, Error>? {
        guard let executor, executor.isRunningAlone else { return nil }
        return state.withLock { state -> Result<Data?, Error>? in
            guard !state.cancelDelivered, state.abandoned == nil,
                let next = state.history.nextCompletion, next.kind != .cancelRequested,
                next.step == state.nextStep
            else { return nil }
            switch number(make, &state) {
            case .failure(let error):
                return .failure(error)
            case .success(let command):
                if state.replayOnly { state.trace.append(Self.traceEntry(command, state.history)) }
                // Not nil: `nextCompletion` was this step's completion.
                let event = state.history.popCompletion()!
                return RunDriver.outcome(for: event, step: command.step)
            }
        }
    }

    /// Takes a step that completes at once: the recorded value when replaying, else `live()`,
    /// recorded without waiting.
    func immediate(
        kind: StepKind, name: String, digestOf input: Data, isStatus: Bool = false, live: () throws -> Data
    ) throws -> Data {
        let (command, recorded, replayOnly) = try state.withLock { state -> (StepCommand, Data?, Bool) in
            let command = try number({
                StepCommand(step: $0, kind: kind, name: name, input: isStatus ? input : nil, digest: PayloadCodec.digest(input))
            }, &state).get()
            let recorded = state.history.steps[command.step]?.value
            if state.replayOnly {
                var entry = Self.traceEntry(command, state.history)
                if recorded == nil { entry.outcome = "beyond history" }
                state.trace.append(entry)
            }
            return (command, recorded, state.replayOnly)
        }
        if let recorded { return recorded }
        let value = try live()
        if !replayOnly {
            let event = HistoryEvent(
                step: command.step, kind: isStatus ? .statusPublished : .sideEffect, name: name,
                inputDigest: command.digest, output: value, time: clock.now())
            record?(event, isStatus ? value : nil)
        }
        return value
    }

    private static func traceEntry(_ command: StepCommand, _ history: RecordedHistory) -> ReplayStep {
        let (outcome, detail) = history.recordedOutcome(of: command.step)
        return ReplayStep(
            index: command.step, kind: command.kind, name: command.name, inputDigest: command.digest,
            outcome: outcome, detail: detail)
    }

    // MARK: Driving (driver side, executor idle)

    func takeIssued() -> [StepCommand] {
        state.withLock { state in
            defer { state.issued.removeAll() }
            return state.issued
        }
    }

    /// Resumes the step's continuation; false when no such step is waiting.
    @discardableResult
    func deliver(step: Int, _ outcome: Result<Data?, Error>) -> Bool {
        // A step running in the code's job (no continuation yet) is not waiting for anything.
        let continuation = state.withLock { state -> UnsafeContinuation<Result<Data?, Error>, Never>? in
            guard let continuation = state.pending[step]?.continuation else { return nil }
            state.pending[step] = nil
            return continuation
        }
        guard let continuation else { return false }
        continuation.resume(returning: outcome)
        return true
    }

    func pendingCommand(_ step: Int) -> StepCommand? {
        state.withLock { $0.pending[step]?.command }
    }

    var pendingSteps: [StepCommand] {
        state.withLock { $0.pending.values.map(\.command).sorted { $0.step < $1.step } }
    }

    /// Delivers cancellation: every waiting step throws, and later steps throw at once.
    func deliverCancellation() {
        let waiting = state.withLock { state -> [Pending] in
            state.cancelDelivered = true
            defer { state.pending.removeAll() }
            return state.pending.values.sorted { $0.command.step < $1.command.step }
        }
        waiting.forEach { $0.continuation?.resume(returning: .failure(CancellationError())) }
    }

    /// Stops the run's code: every waiting step throws ``RunAbandoned``, and so do later ones.
    func abandon(_ reason: String) {
        let waiting = state.withLock { state -> [Pending] in
            if state.abandoned == nil { state.abandoned = RunAbandoned(reason: reason) }
            defer { state.pending.removeAll() }
            return Array(state.pending.values)
        }
        waiting.forEach { $0.continuation?.resume(returning: .failure(RunAbandoned(reason: reason))) }
    }

    func finish(_ outcome: Result<Data, Error>) {
        state.withLock { $0.outcome = outcome }
        driverHooks.withLock { $0 }?.wake()
    }
}
