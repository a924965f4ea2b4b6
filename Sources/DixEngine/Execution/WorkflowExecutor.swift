import DequeModule
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The deterministic executor of one run's workflow code.
///
/// Every task of the workflow (the run function, its `async let` children, task-group
/// children) prefers this executor, which runs their jobs one at a time in FIFO order.
/// The run's driver delivers step results only while the executor is idle, one at a time,
/// in recorded order, and waits for idle again; so the order in which concurrent branches
/// issue steps, and therefore every step's index, is the same on every replay. The driver
/// runs on this executor as well: idle then means that only the driver is left to run, and
/// a delivery costs no thread hop.
final class WorkflowExecutor: TaskExecutor {
    private struct State {
        var jobs: Deque<UnownedJob> = []
        var draining = false
        /// The thread running the drain loop, while it runs.
        var drainThread: pthread_t?
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
        /// First jobs of live steps, run by the drain thread once it is done (see ``LiveStepExecutor``).
        var afterIdle: [(UnownedJob, LiveStepExecutor)] = []
        /// The thread running those live steps, while it does.
        var liveStepThread: pthread_t?
        /// A workflow job came from the live-step thread itself: that thread drains next.
        var drainAfterLiveSteps = false
        /// No workflow job is queued or running.
        var isIdle: Bool { !draining && jobs.isEmpty }
    }
    private let state = Mutex(State())
    /// How many workflow jobs started (see ``jobsStarted``).
    private let startedJobs = Atomic<UInt64>(0)

    /// How many workflow jobs started so far. A job that reads it twice sees it unchanged unless
    /// it suspended in between (a job runs alone, and its own resumption is another job).
    var jobsStarted: UInt64 { startedJobs.load(ordering: .relaxed) }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let startDrain = state.withLock { state -> Bool in
            state.jobs.append(job)
            if state.draining { return false }
            state.draining = true
            // From a live step started on the drain's thread (its completion, committed there):
            // that thread is about to be free, and drains next rather than waking another.
            if let thread = state.liveStepThread, pthread_equal(thread, pthread_self()) != 0 {
                state.drainAfterLiveSteps = true
                return false
            }
            return true
        }
        if startDrain {
            DispatchQueue.global().async { self.drain() }
        }
    }

    private enum Next {
        case job(UnownedJob)
        case idle([CheckedContinuation<Void, Never>])
        case done([(UnownedJob, LiveStepExecutor)])
    }

    /// Runs jobs until none is left. When the queue empties, waiters for idle are resumed here;
    /// the run's driver prefers this executor too, so it goes on in this same loop. Last, the
    /// thread starts the live steps the driver started, no longer draining: a workflow job
    /// from another thread meanwhile starts a drain of its own; one from this thread (a live
    /// step that finished at once) is drained here once the live steps are started.
    private func drain() {
        repeat {
            drainUntilIdle()
        } while state.withLock { state in
            state.liveStepThread = nil
            defer { state.drainAfterLiveSteps = false }
            return state.drainAfterLiveSteps
        }
    }

    private func drainUntilIdle() {
        state.withLock { $0.drainThread = pthread_self() }
        while true {
            let next = state.withLock { state -> Next in
                if let job = state.jobs.popFirst() { return .job(job) }
                if !state.idleWaiters.isEmpty {
                    defer { state.idleWaiters.removeAll() }
                    return .idle(state.idleWaiters)
                }
                state.draining = false
                state.drainThread = nil
                if !state.afterIdle.isEmpty { state.liveStepThread = pthread_self() }
                defer { state.afterIdle.removeAll() }
                return .done(state.afterIdle)
            }
            switch next {
            case .job(let job):
                startedJobs.add(1, ordering: .relaxed)
                job.runSynchronously(on: asUnownedTaskExecutor())
            case .idle(let waiters):
                waiters.forEach { $0.resume() }
            case .done(let liveSteps):
                for (job, executor) in liveSteps {
                    job.runSynchronously(on: executor.asUnownedTaskExecutor())
                }
                return
            }
        }
    }

    /// Takes `job` to run when this drain is done, if the caller is the draining thread.
    func runAfterIdle(_ job: UnownedJob, on executor: LiveStepExecutor) -> Bool {
        state.withLock { state in
            guard state.draining, let thread = state.drainThread, pthread_equal(thread, pthread_self()) != 0 else { return false }
            state.afterIdle.append((job, executor))
            return true
        }
    }

    /// Whether the caller is a job of this executor, running on its drain thread, and no other
    /// job is queued: that job would leave the executor idle if it suspended.
    var isRunningAlone: Bool {
        state.withLock { Self.runsAlone($0) }
    }

    private static func runsAlone(_ state: State) -> Bool {
        state.draining && state.jobs.isEmpty && state.drainThread.map { pthread_equal($0, pthread_self()) != 0 } == true
    }

    /// Whether the caller runs alone (see ``isRunningAlone``) and no live step started in this
    /// drain still waits for its first job: an activity run in the caller's job would hold those
    /// back until the code suspends.
    var mayRunActivityInline: Bool {
        state.withLock { Self.runsAlone($0) && $0.afterIdle.isEmpty }
    }

    /// Whether no workflow job is queued or running.
    var isIdle: Bool {
        state.withLock { $0.isIdle }
    }

    /// Returns once no workflow job is queued or running.
    ///
    /// The driver, a job of this executor itself, finds it idle but for itself when it runs
    /// alone: it goes on at once instead of suspending and being run again.
    func waitUntilIdle() async {
        if isRunningAlone { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = state.withLock { state -> Bool in
                if state.isIdle { return true }
                state.idleWaiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }
}

/// Runs the task of one live step (an activity, a timer) on the global queues, like any task,
/// except for its first job. The driver starts live steps from the workflow's executor, just
/// before that goes idle; their first job then runs on the same thread once the workflow's jobs
/// are done, rather than waking another thread for it (a fast activity is then done before
/// anything else is scheduled). The thread has left the workflow's executor by then, so an
/// activity that blocks holds up nothing of the run's.
final class LiveStepExecutor: TaskExecutor {
    private let workflow: WorkflowExecutor
    private let started = Atomic<Bool>(false)

    init(workflow: WorkflowExecutor) {
        self.workflow = workflow
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        if !started.exchange(true, ordering: .relaxed), workflow.runAfterIdle(job, on: self) {
            return
        }
        DispatchQueue.global().async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
