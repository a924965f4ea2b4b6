import Synchronization

/// Receives the heartbeats of one activity attempt.
package final class HeartbeatSink: Sendable {
    private struct State {
        var lastBeat: ContinuousClock.Instant
        var details: String?
    }
    private let state: Mutex<State>
    package let previousDetails: String?

    package init(previousDetails: String?, now: ContinuousClock.Instant = .now) {
        self.previousDetails = previousDetails
        self.state = Mutex(State(lastBeat: now, details: previousDetails))
    }

    func beat(_ details: String?) {
        state.withLock { state in
            state.lastBeat = .now
            if let details { state.details = details }
        }
    }

    package var lastBeat: ContinuousClock.Instant { state.withLock { $0.lastBeat } }
    package var details: String? { state.withLock { $0.details } }
}
