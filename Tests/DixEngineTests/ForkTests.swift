import DixEngine
import Foundation
import Synchronization
import Testing

@Suite(.serialized) struct ForkTests {
    /// Fails while `broken` is set: the "bug" that a retry runs again after it is fixed.
    struct Switchable: Activity {
        static let name = "switchable"
        static let broken = Mutex(true)
        func run(_ input: String, context: ActivityContext) async throws -> String {
            if Self.broken.withLock({ $0 }) { throw ApplicationError("still broken", type: "Broken") }
            return "fixed \(input)"
        }
    }

    struct Steps: Workflow {
        static let name = "steps"
        func run(_ input: Int, context: WorkflowContext) async throws -> [String] {
            var results: [String] = []
            for index in 0..<input { results.append(try await context.execute(Echo.self, "step-\(index)")) }
            results.append(try await context.execute(
                Switchable.self, "last", options: ActivityOptions(retryPolicy: RetryPolicy(initialInterval: .milliseconds(5), maximumAttempts: 2))))
            return results
        }
    }

    func harness() throws -> EngineHarness {
        try EngineHarness {
            $0.register(Steps.self)
            $0.register(Switchable())
        }
    }

    @Test func forkCopiesTheFirstStepsAndRunsTheRestLive() async throws {
        Switchable.broken.withLock { $0 = false }
        let harness = try harness()
        _ = try await harness.worker.execute(Steps.self, input: 4, id: "fork-source")
        let forked = try await harness.client.fork("fork-source", fromStep: 2, newID: "fork-copy")
        let closed = try await harness.worker.waitForClose(runID: forked.runID)
        #expect(closed.status == .completed)
        #expect(TestWorkflows.log.count("echo:\(forked.runID):step-0") == 0)
        #expect(TestWorkflows.log.count("echo:\(forked.runID):step-1") == 0)
        #expect(TestWorkflows.log.count("echo:\(forked.runID):step-2") == 1)
        #expect(TestWorkflows.log.count("echo:\(forked.runID):step-3") == 1)
        let history = try await harness.history("fork-copy")
        #expect(history.filter { $0.kind == .activityCompleted }.map(\.step) == [0, 1, 2, 3, 4])
        #expect(try await harness.client.replay("fork-copy").result == .ok(closedAs: .completed))
        await harness.stop()
    }

    @Test func retryRerunsFromTheFailedStepWithFixedCode() async throws {
        Switchable.broken.withLock { $0 = true }
        let harness = try harness()
        let failed = try await harness.worker.start(Steps.self, input: 2, id: "retry-source")
        #expect(try await harness.worker.waitForClose(runID: failed.runID).status == .failed)
        Switchable.broken.withLock { $0 = false }
        let retried = try await harness.client.retry("retry-source", newID: "retry-copy")
        let closed = try await harness.worker.waitForClose(runID: retried.runID)
        #expect(closed.status == .completed)
        #expect(String(decoding: closed.result ?? Data(), as: UTF8.self).contains("fixed last"))
        #expect(TestWorkflows.log.count("echo:\(retried.runID):step-0") == 0)
        #expect(TestWorkflows.log.count("echo:\(retried.runID):step-1") == 0)
        await harness.stop()
    }

    @Test func retryOfARunThatDidNotFailIsRejected() async throws {
        Switchable.broken.withLock { $0 = false }
        let harness = try harness()
        _ = try await harness.worker.execute(Steps.self, input: 1, id: "ok-run")
        await #expect(throws: EngineError.self) { try await harness.client.retry("ok-run") }
        await harness.stop()
    }
}
