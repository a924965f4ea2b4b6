import DixObservability
import Synchronization

/// An in-process channel that fails its first `failures` deliveries, then records what it gets.
final class RecordingChannel: AlertChannel {
    struct Refused: Error {}

    let name: String
    private let remainingFailures: Mutex<Int>
    private let attemptCount = Mutex(0)
    let delivered: AsyncStream<AlertNotification>
    private let continuation: AsyncStream<AlertNotification>.Continuation

    init(name: String = "recording", failures: Int = 0) {
        self.name = name
        self.remainingFailures = Mutex(failures)
        (delivered, continuation) = AsyncStream.makeStream(of: AlertNotification.self)
    }

    var attempts: Int { attemptCount.withLock { $0 } }

    func deliver(_ notification: AlertNotification) async throws {
        attemptCount.withLock { $0 += 1 }
        let fail = remainingFailures.withLock { remaining in
            defer { remaining = max(0, remaining - 1) }
            return remaining > 0
        }
        if fail { throw Refused() }
        continuation.yield(notification)
    }
}

/// A channel whose receiver never answers.
struct HangingChannel: AlertChannel {
    let name = "hanging"

    func deliver(_ notification: AlertNotification) async throws {
        try await Task.sleep(for: .seconds(3600))
    }
}
