import Foundation
import Synchronization

/// Receives the heartbeats of one activity attempt.
package final class HeartbeatSink: Sendable {
    private struct State {
        var lastBeat: Date
        var details: String?
    }
    private let state: Mutex<State>
    private let clock: any EngineClock
    package let previousDetails: String?

    package init(previousDetails: String?, clock: any EngineClock) {
        self.previousDetails = previousDetails
        self.clock = clock
        self.state = Mutex(State(lastBeat: clock.now(), details: previousDetails))
    }

    func beat(_ details: String?) {
        let now = clock.now()
        state.withLock { state in
            state.lastBeat = now
            if let details { state.details = details }
        }
    }

    package var lastBeat: Date { state.withLock { $0.lastBeat } }
    package var details: String? { state.withLock { $0.details } }
}
