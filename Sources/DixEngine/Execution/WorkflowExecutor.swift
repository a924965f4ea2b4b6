import DequeModule
import Dispatch
import Synchronization

/// The deterministic executor of one run's workflow code.
///
/// Every task of the workflow (the run function, its `async let` children, task-group
/// children) prefers this executor, which runs their jobs one at a time in FIFO order.
/// The run's driver delivers step results only while the executor is idle, one at a time,
/// in recorded order, and waits for idle again; so the order in which concurrent branches
/// issue steps, and therefore every step's index, is the same on every replay.
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

    private func drain() {
        while true {
            let next = state.withLock { state -> UnownedJob? in
                if let job = state.jobs.popFirst() { return job }
                state.draining = false
                return nil
            }
            guard let next else { break }
            next.runSynchronously(on: asUnownedTaskExecutor())
        }
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard !state.draining && state.jobs.isEmpty else { return [] }
            defer { state.idleWaiters.removeAll() }
            return state.idleWaiters
        }
        waiters.forEach { $0.resume() }
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
