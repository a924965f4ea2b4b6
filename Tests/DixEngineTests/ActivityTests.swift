import DixEngine
import Foundation
import Testing

@Suite struct ActivityTests {
    @Test func sequentialActivitiesCompleteOneEventEach() async throws {
        let harness = try EngineHarness()
        let output = try await harness.worker.execute(SequenceWorkflow.self, input: 3, id: "seq")
        #expect(output == ["echo seq-0", "echo seq-1", "echo seq-2"])
        // One event per step (an attempt still running after 100 ms also gets an informational marker).
        let kinds = try await harness.history("seq").map(\.kind).filter { $0 != .activityStarted }
        #expect(kinds == [.workflowStarted, .activityCompleted, .activityCompleted, .activityCompleted, .workflowCompleted])
        await harness.stop()
    }

    @Test func failedAttemptsAreRetriedWithDurableAttemptNumbers() async throws {
        let harness = try EngineHarness()
        let output = try await harness.worker.execute(FailingWorkflow.self, input: Flaky.Input(key: "retry-\(UUID())", failures: 2), id: "retry")
        #expect(output == 3)
        let history = try await harness.history("retry")
        let failures = history.filter { $0.kind == .activityAttemptFailed }
        #expect(failures.map(\.attempt) == [1, 2])
        #expect(failures.allSatisfy { $0.error?.type == "Broken" && $0.detail?.deadline != nil })
        #expect(history.first { $0.kind == .activityCompleted }?.attempt == 3)
        await harness.stop()
    }

    @Test func maximumAttemptsBoundsRetries() async throws {
        let harness = try EngineHarness()
        let key = "bounded-\(UUID())"
        let run = try await harness.worker.start(FailingWorkflow.self, input: Flaky.Input(key: key, failures: 10), id: "bounded")
        let closed = try await harness.worker.waitForClose(runID: run.runID)
        #expect(closed.status == .failed)
        #expect(closed.error?.type == "ActivityFailure")
        #expect(closed.error?.cause?.value.type == "Broken")
        #expect(TestWorkflows.log.all.filter { $0.hasPrefix("flaky:\(key):") }.count == 3)
        await harness.stop()
    }

    @Test func nonRetryableErrorsFailAtOnce() async throws {
        let harness = try EngineHarness()
        let key = "fatal-\(UUID())"
        let run = try await harness.worker.start(
            FailingWorkflow.self, input: Flaky.Input(key: key, failures: 5, nonRetryable: true), id: "fatal")
        let closed = try await harness.worker.waitForClose(runID: run.runID)
        #expect(closed.status == .failed)
        #expect(closed.error?.cause?.value.type == "Fatal")
        #expect(TestWorkflows.log.all.filter { $0.hasPrefix("flaky:\(key):") }.count == 1)
        await harness.stop()
    }

    @Test func nonRetryableErrorTypesMatchByExactName() async throws {
        struct Workflow: DixEngine.Workflow {
            static let name = "non-retryable-types"
            func run(_ input: String, context: WorkflowContext) async throws -> Int {
                try await context.execute(
                    Flaky.self, Flaky.Input(key: input, failures: 5),
                    options: ActivityOptions(retryPolicy: RetryPolicy(initialInterval: .milliseconds(1), nonRetryableErrorTypes: ["Broken"])))
            }
        }
        let harness = try EngineHarness { $0.register(Workflow.self) }
        let key = "typed-\(UUID())"
        let run = try await harness.worker.start(Workflow.self, input: key)
        let closed = try await harness.worker.waitForClose(runID: run.runID)
        #expect(closed.status == .failed)
        #expect(TestWorkflows.log.all.filter { $0.hasPrefix("flaky:\(key):") }.count == 1)
        await harness.stop()
    }

    @Test func startToCloseTimeoutIsARetryableFailureOfItsOwnType() async throws {
        struct Slow: Activity {
            static let name = "slow"
            func run(_ input: Int, context: ActivityContext) async throws -> Int {
                if context.attempt == 1 { try await Task.sleep(for: .seconds(30)) }
                return context.attempt
            }
        }
        struct Workflow: DixEngine.Workflow {
            static let name = "timeout"
            func run(_ input: Int, context: WorkflowContext) async throws -> Int {
                try await context.execute(
                    Slow.self, input,
                    options: ActivityOptions(
                        startToCloseTimeout: .milliseconds(200),
                        retryPolicy: RetryPolicy(initialInterval: .milliseconds(10))))
            }
        }
        let harness = try EngineHarness {
            $0.register(Workflow.self)
            $0.register(Slow())
        }
        let output = try await harness.worker.execute(Workflow.self, input: 0, id: "timeout")
        #expect(output == 2)
        let failure = try await harness.history("timeout").first { $0.kind == .activityAttemptFailed }
        #expect(failure?.error?.type == "StartToCloseTimeout")
        await harness.stop()
    }

    @Test func heartbeatTimeoutFailsASilentAttempt() async throws {
        struct Silent: Activity {
            static let name = "silent"
            func run(_ input: Int, context: ActivityContext) async throws -> Int {
                if context.attempt == 1 { try await Task.sleep(for: .seconds(30)) }
                context.heartbeat("alive")
                return context.attempt
            }
        }
        struct Workflow: DixEngine.Workflow {
            static let name = "heartbeat"
            func run(_ input: Int, context: WorkflowContext) async throws -> Int {
                try await context.execute(
                    Silent.self, input,
                    options: ActivityOptions(heartbeatTimeout: .milliseconds(200), retryPolicy: RetryPolicy(initialInterval: .milliseconds(10))))
            }
        }
        let harness = try EngineHarness {
            $0.register(Workflow.self)
            $0.register(Silent())
        }
        #expect(try await harness.worker.execute(Workflow.self, input: 0, id: "hb") == 2)
        let failure = try await harness.history("hb").first { $0.kind == .activityAttemptFailed }
        #expect(failure?.error?.type == "HeartbeatTimeout")
        await harness.stop()
    }

    @Test func concurrencyLimitPerActivityType() async throws {
        struct Gate: Activity {
            static let name = "gate"
            static let active = ExecutionLog()
            static let peak = ExecutionLog()
            func run(_ input: Int, context: ActivityContext) async throws -> Int {
                Self.active.append("in")
                Self.peak.append("\(Self.active.count("in") - Self.active.count("out"))")
                try await Task.sleep(for: .milliseconds(30))
                Self.active.append("out")
                return input
            }
        }
        struct Workflow: DixEngine.Workflow {
            static let name = "limited"
            func run(_ input: Int, context: WorkflowContext) async throws -> Int {
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<input { group.addTask { try await context.execute(Gate.self, index) } }
                    return try await group.reduce(0, +)
                }
            }
        }
        let harness = try EngineHarness {
            $0.register(Workflow.self)
            $0.register(Gate(), maximumConcurrent: 2)
        }
        #expect(try await harness.worker.execute(Workflow.self, input: 8) == 28)
        #expect(Gate.peak.all.compactMap(Int.init).max() == 2)
        await harness.stop()
    }

    /// Events keep options only when they differ from the defaults (the defaults were most of a
    /// small step's row); `describe` still shows every activity step's effective policy.
    @Test func eventsRecordOnlyOptionsThatDifferFromTheDefaults() async throws {
        struct Workflow: DixEngine.Workflow {
            static let name = "two-policies"
            func run(_ input: String, context: WorkflowContext) async throws -> String {
                let first = try await context.execute(Echo.self, input)
                return try await context.execute(
                    Echo.self, first, options: ActivityOptions(startToCloseTimeout: .seconds(5), retryPolicy: RetryPolicy(maximumAttempts: 2)))
            }
        }
        let harness = try EngineHarness { $0.register(Workflow.self) }
        #expect(try await harness.worker.execute(Workflow.self, input: "x", id: "policies") == "echo echo x")
        let completions = try await harness.history("policies").filter { $0.kind == .activityCompleted }
        #expect(completions.count == 2)
        #expect(completions[0].detail?.options == nil)
        #expect(completions[0].detail?.scheduledAt != nil)
        #expect(completions[1].detail?.options?.retryPolicy.maximumAttempts == 2)
        #expect(completions[1].detail?.options?.startToCloseTimeout == .seconds(5))
        let steps = try await harness.client.describe("policies").steps
        #expect(steps.map(\.options) == [ActivityOptions(), ActivityOptions(startToCloseTimeout: .seconds(5), retryPolicy: RetryPolicy(maximumAttempts: 2))])
        await harness.stop()
    }
}
