import DequeModule
import Dispatch
import Synchronization

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
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let startDrain = state.withLock { state -> Bool in
            state.jobs.append(job)
            if state.draining { return false }
            state.draining = true
            return true
        }
        if startDrain {
            DispatchQueue.global().async { self.drain() }
        }
    }

    private enum Next {
        case job(UnownedJob)
        case idle([CheckedContinuation<Void, Never>])
        case done
    }

    /// Runs jobs until none is left. When the queue empties, waiters for idle are resumed here;
    /// the run's driver prefers this executor too, so it goes on in this same loop.
    private func drain() {
        while true {
            let next = state.withLock { state -> Next in
                if let job = state.jobs.popFirst() { return .job(job) }
                if !state.idleWaiters.isEmpty {
                    defer { state.idleWaiters.removeAll() }
                    return .idle(state.idleWaiters)
                }
                state.draining = false
                return .done
            }
            switch next {
            case .job(let job):
                job.runSynchronously(on: asUnownedTaskExecutor())
            case .idle(let waiters):
                waiters.forEach { $0.resume() }
            case .done:
                return
            }
        }
    }

    /// Whether a job of this executor is running and none other is queued: called from
    /// workflow code, it means that code would leave the executor idle if it suspended.
    var isRunningAlone: Bool {
        state.withLock { $0.draining && $0.jobs.isEmpty }
    }

    /// Returns once no workflow job is queued or running.
    func waitUntilIdle() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = state.withLock { state -> Bool in
                if !state.draining && state.jobs.isEmpty { return true }
                state.idleWaiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }
}
