import DixEngine
import Foundation
import Testing

@Suite struct ReplayTests {
    @Test func sideEffectsReplayTheRecordedValues() async throws {
        let harness = try EngineHarness()
        let output = try await harness.worker.execute(SideEffects.self, input: "", id: "effects")
        let report = try await harness.client.replay("effects")
        #expect(report.result == .ok(closedAs: .completed))
        #expect(report.steps.map(\.kind) == [.sideEffect, .sideEffect, .sideEffect, .activity])
        #expect(report.steps[3].detail?.contains("echo \(output.random)") == true)
        await harness.stop()
    }

    @Test func parallelBranchesReplayIdenticallyEveryTime() async throws {
        let harness = try EngineHarness()
        for round in 0..<200 {
            _ = try await harness.worker.execute(ParallelWorkflow.self, input: 4, id: "parallel-\(round)")
        }
        _ = try await harness.worker.execute(ParentWorkflow.self, input: 2, id: "parallel-children")
        for round in 0..<200 {
            let report = try await harness.client.replay("parallel-\(round)")
            #expect(report.result == .ok(closedAs: .completed), "round \(round): \(report.result)")
        }
        #expect(try await harness.client.replay("parallel-children").result == .ok(closedAs: .completed))
        await harness.stop()
    }

    @Test func recordedFailureIsReportedAtItsStep() async throws {
        let harness = try EngineHarness()
        let run = try await harness.worker.start(FailingWorkflow.self, input: Flaky.Input(key: "rf-\(UUID())", failures: 9), id: "recorded-failure")
        _ = try await harness.worker.waitForClose(runID: run.runID)
        let report = try await harness.client.replay("recorded-failure")
        guard case .recordedFailure(let step, let error) = report.result else {
            Issue.record("expected a recorded failure, got \(report.result)")
            return
        }
        #expect(step == 0)
        #expect(error.type == "ActivityFailure")
        await harness.stop()
    }

    @Test func changedActivityInputIsNonDeterministicAtItsStep() async throws {
        let harness = try EngineHarness()
        _ = try await harness.worker.execute(SequenceWorkflow.self, input: 3, id: "seq-original")
        var exported = try await harness.client.export("seq-original")
        // The same history replayed under another workflow ID changes every activity's input.
        exported.run.workflowID = "seq-renamed"
        let report = try await Replayer(registry: TestWorkflows.registry).replay(exported: exported)
        guard case .nonDeterministic(let error) = report.result else {
            Issue.record("expected non-determinism, got \(report.result)")
            return
        }
        #expect(error.step == 0)
        #expect(error.recorded?.input?.contains("seq-original-0") == true)
        #expect(error.actual?.input?.contains("seq-renamed-0") == true)
        await harness.stop()
    }

    /// A hand-edited history file can number a step far beyond its length; the replayer keeps
    /// steps in an array sized by the history, so such a step must still be found, and cost no
    /// array of its index's size.
    @Test func stepNumberedFarBeyondTheHistoryIsReportedMissing() async throws {
        let harness = try EngineHarness()
        _ = try await harness.worker.execute(SequenceWorkflow.self, input: 3, id: "seq-far")
        var exported = try await harness.client.export("seq-far")
        let far = 1_000_000_000
        for position in exported.events.indices where exported.events[position].step == 2 {
            exported.events[position].step = far
        }
        let report = try await Replayer(registry: TestWorkflows.registry).replay(exported: exported)
        guard case .nonDeterministic(let error) = report.result else {
            Issue.record("expected non-determinism, got \(report.result)")
            return
        }
        #expect(error.step == far)
        #expect(error.recorded?.name == "echo")
        #expect(report.steps.map(\.index) == [0, 1, 2])
        #expect(report.steps.map(\.outcome) == ["completed", "completed", "pending"])
        await harness.stop()
    }
}

@Suite struct RandomRangeTests {
    struct Ranges: Workflow {
        static let name = "random-ranges"
        func run(_ input: Int, context: WorkflowContext) async throws -> [Int] {
            var values: [Int] = []
            for _ in 0..<input {
                values.append(context.random(in: Int.min...Int.max))
                values.append(context.random(in: -3...3))
                values.append(context.random(in: 7...7))
            }
            return values
        }
    }

    @Test func randomInAnyRangeStaysInsideItAndReplays() async throws {
        let harness = try EngineHarness { $0.register(Ranges.self) }
        let values = try await harness.worker.execute(Ranges.self, input: 50, id: "ranges")
        for index in stride(from: 0, to: values.count, by: 3) {
            #expect((-3...3).contains(values[index + 1]))
            #expect(values[index + 2] == 7)
        }
        #expect(Set(values.enumerated().filter { $0.offset % 3 == 1 }.map(\.element)).count > 1)
        #expect(try await harness.client.replay("ranges").result == .ok(closedAs: .completed))
        await harness.stop()
    }
}
