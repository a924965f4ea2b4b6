import DixEngine
import DixResilience
import Foundation
import Testing

@Suite struct RetryPolicyTests {
    @Test func defaultsFollowTemporalExceptBoundedAttempts() {
        let policy = RetryPolicy()
        #expect(policy.initialInterval == .seconds(1))
        #expect(policy.backoffCoefficient == 2)
        #expect(policy.maximumInterval == .seconds(100))
        #expect(policy.maximumAttempts == 5)
        #expect(policy.allowsAttempt(after: 4))
        #expect(!policy.allowsAttempt(after: 5))
        #expect(RetryPolicy(maximumAttempts: 0).allowsAttempt(after: 10_000))
    }

    @Test(arguments: [1, 2, 3, 10, 100, 500, 1_000, Int.max])
    func backoffNeverOverflowsOrGoesNegative(attempt: Int) {
        let backoff = RetryPolicy().backoff
        let delay = backoff.delay(afterAttempt: attempt)
        #expect(delay >= .zero)
        #expect(delay <= .seconds(110))
        #expect(backoff.baseDelay(afterAttempt: attempt) <= .seconds(100))
    }

    @Test func backoffGrowsByTheCoefficient() {
        let backoff = RetryPolicy(jitter: 0).backoff
        #expect(backoff.baseDelay(afterAttempt: 1) == .seconds(1))
        #expect(backoff.baseDelay(afterAttempt: 2) == .seconds(2))
        #expect(backoff.baseDelay(afterAttempt: 4) == .seconds(8))
        #expect(backoff.delay(afterAttempt: 8) == .seconds(100))
    }

    @Test func policyRoundTripsAsJSONInSeconds() throws {
        let policy = RetryPolicy(initialInterval: .milliseconds(500), maximumAttempts: 0, nonRetryableErrorTypes: ["X"])
        let data = try JSONEncoder().encode(policy)
        #expect(String(decoding: data, as: UTF8.self).contains("\"initialInterval\":0.5"))
        #expect(try JSONDecoder().decode(RetryPolicy.self, from: data) == policy)
    }

    @Test func retryBackoffWaitsOnTheInjectedClock() async throws {
        struct Workflow: DixEngine.Workflow {
            static let name = "manual-backoff"
            func run(_ input: String, context: WorkflowContext) async throws -> Int {
                try await context.execute(
                    Flaky.self, Flaky.Input(key: input, failures: 1),
                    options: ActivityOptions(retryPolicy: RetryPolicy(initialInterval: .seconds(60), jitter: 0)))
            }
        }
        let clock = DixEngine.ManualClock()
        let harness = try EngineHarness(clock: clock) { $0.register(Workflow.self) }
        let run = try await harness.worker.start(Workflow.self, input: "manual-\(UUID())", id: "manual")
        // Worker loops sleep on the clock too (lease renewal, fallback claim, purge): 3 sleepers, plus the backoff.
        await clock.waitForSleepers(4)
        let failure: HistoryEvent? = try await harness.waitForEvent("manual", .activityAttemptFailed)
        #expect(failure?.detail?.deadline == clock.now().addingTimeInterval(60))
        #expect(try await harness.client.run("manual").status == .running)
        clock.advance(by: .seconds(61))
        let closed = try await harness.worker.waitForClose(runID: run.runID)
        #expect(closed.status == .completed)
        await harness.stop()
    }
}
