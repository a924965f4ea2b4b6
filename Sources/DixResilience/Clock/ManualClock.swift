import Synchronization

/// A clock for tests: time moves only when ``advance(by:)`` is called, or, when created with
/// `autoAdvance: true`, when someone sleeps on it (the sleep returns at once, having moved time).
///
/// ```swift
/// let clock = ManualClock()
/// clock.advance(by: .seconds(5))
/// #expect(clock.nanoseconds == 5_000_000_000)
/// ```
public final class ManualClock: Sendable {
    private struct Sleeper {
        var id: UInt64
        var deadline: UInt64
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: UInt64
        var nextID: UInt64 = 0
        var sleepers: [Sleeper] = []
    }

    private let state: Mutex<State>
    private let autoAdvance: Bool

    /// Creates a clock at `start` nanoseconds; with `autoAdvance`, sleeping advances time instead of waiting.
    public init(start: UInt64 = 1_000_000_000, autoAdvance: Bool = false) {
        self.state = Mutex(State(now: start))
        self.autoAdvance = autoAdvance
    }

    /// The current time in nanoseconds.
    public var nanoseconds: UInt64 {
        state.withLock { $0.now }
    }

    /// The number of tasks sleeping on this clock.
    public var sleeperCount: Int {
        state.withLock { $0.sleepers.count }
    }

    /// Moves time forward by `duration`, waking the sleepers whose deadline has come.
    public func advance(by duration: Duration) {
        let due: [Sleeper] = state.withLock { state in
            state.now &+= duration.clampedNanoseconds
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }
            state.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Suspends until time has advanced by `duration`; throws `CancellationError` if cancelled first.
    public func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        if autoAdvance {
            advance(by: duration)
            return
        }
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: Bool = state.withLock { state in
                    let deadline = state.now &+ duration.clampedNanoseconds
                    if deadline <= state.now || Task.isCancelled { return true }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return false
                }
                if resumeNow {
                    if Task.isCancelled {
                        continuation.resume(throwing: CancellationError())
                    } else {
                        continuation.resume()
                    }
                }
            }
        } onCancel: {
            let cancelled: Sleeper? = state.withLock { state in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
            }
            cancelled?.continuation.resume(throwing: CancellationError())
        }
    }
}
