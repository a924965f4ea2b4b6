import Synchronization
import Testing
@testable import DixResilience

/// The delays passed to `onRetry`.
final class DelayLog: Sendable {
    private let delays = Locked<[Duration]>([])
    func append(_ delay: Duration) { delays.withLock { $0.append(delay) } }
    var values: [Duration] { delays.withLock { $0 } }
}

@Suite("Retry executor")
struct RetryExecutorTests {
    let clock = ManualClock(autoAdvance: true)

    func executor(
        maximumAttempts: Int = 5, attemptTimeout: Duration? = nil,
        isRetryable: @escaping @Sendable (any Error) -> Bool = { _ in true },
        delays: DelayLog? = nil
    ) -> RetryExecutor {
        RetryExecutor(
            maximumAttempts: maximumAttempts,
            backoff: Backoff(initialInterval: .seconds(1), coefficient: 2, jitter: .none),
            attemptTimeout: attemptTimeout,
            timeSource: .manual(clock),
            isRetryable: isRetryable,
            onRetry: { retry in delays?.append(retry.delay) })
    }

    @Test("retries with backoff until the operation succeeds")
    func retriesUntilSuccess() async throws {
        let delays = DelayLog()
        let start = clock.nanoseconds
        let result = try await executor(delays: delays).run { attempt in
            if attempt < 3 { throw ServiceError() }
            return attempt
        }
        #expect(result == 3)
        #expect(delays.values == [.seconds(1), .seconds(2)])
        #expect(clock.nanoseconds - start == 3 * second)
    }

    @Test("stops after the maximum attempts and rethrows the last error")
    func maximumAttempts() async throws {
        let attempts = Locked(0)
        await #expect(throws: ServiceError.self) {
            try await executor(maximumAttempts: 3).run { _ -> Int in
                attempts.withLock { $0 += 1 }
                throw ServiceError()
            }
        }
        #expect(attempts.withLock { $0 } == 3)
    }

    @Test("a non-retryable error stops at once")
    func nonRetryable() async throws {
        let attempts = Locked(0)
        await #expect(throws: NotFoundError.self) {
            try await executor(isRetryable: { !($0 is NotFoundError) }).run { _ -> Int in
                attempts.withLock { $0 += 1 }
                throw NotFoundError()
            }
        }
        #expect(attempts.withLock { $0 } == 1)
    }

    @Test("a server-given retry-after overrides the computed delay")
    func retryAfter() async throws {
        let delays = DelayLog()
        _ = try await executor(delays: delays).run { attempt in
            if attempt == 1 { throw ThrottledError(retryAfter: .seconds(30)) }
            if attempt == 2 { throw ThrottledError(retryAfter: nil) }
            return attempt
        }
        #expect(delays.values == [.seconds(30), .seconds(2)])
    }

    @Test("an attempt that exceeds its timeout fails with AttemptTimeoutError and is retried")
    func attemptTimeout() async throws {
        let attempts = Locked(0)
        let error = await #expect(throws: AttemptTimeoutError.self) {
            try await executor(maximumAttempts: 2, attemptTimeout: .seconds(5)).run { _ -> Int in
                attempts.withLock { $0 += 1 }
                try await Task.sleep(for: Duration.seconds(3600))
                return 0
            }
        }
        #expect(error?.attempt == 2)
        #expect(attempts.withLock { $0 } == 2)
    }

    @Test("cancellation stops retrying")
    func cancellation() async throws {
        let attempts = Locked(0)
        let manual = ManualClock()
        let executor = RetryExecutor(maximumAttempts: 0, backoff: Backoff(jitter: .none), timeSource: .manual(manual))
        let task = Task {
            try await executor.run { _ -> Int in
                attempts.withLock { $0 += 1 }
                throw ServiceError()
            }
        }
        while manual.sleeperCount == 0 { await Task.yield() }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(attempts.withLock { $0 } == 1)
    }
}
