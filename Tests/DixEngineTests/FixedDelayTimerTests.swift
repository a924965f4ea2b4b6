@testable import DixEngine
import Synchronization
import Testing

/// The timer behind `activityStarted` markers: each action runs once its delay passed, unless
/// canceled first, also after the queue ran empty and the timer started serving again.
@Suite struct FixedDelayTimerTests {
    @Test func runsWhatIsDueAndNothingCanceled() async throws {
        let timer = FixedDelayTimer(delay: .milliseconds(50))
        let ran = Mutex<[String]>([])
        func schedule(_ name: String) -> FixedDelayTimer.Token {
            timer.schedule { ran.withLock { $0.append(name) } }
        }
        for round in 0..<2 {
            let first = schedule("first-\(round)")
            let second = schedule("second-\(round)")
            let third = schedule("third-\(round)")
            timer.cancel(second)
            let deadline = ContinuousClock.now + .seconds(10)
            while !ran.withLock({ $0.contains("third-\(round)") }) && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            // Canceling what already ran, or twice, changes nothing.
            timer.cancel(first)
            timer.cancel(second)
            timer.cancel(third)
            #expect(ran.withLock { $0 } == (0...round).flatMap { ["first-\($0)", "third-\($0)"] })
        }
    }
}
