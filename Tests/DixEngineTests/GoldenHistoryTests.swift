import DixEngine
import Foundation
import Testing

/// Recorded histories committed beside the tests (Fixtures/), replayed against today's code.
/// Set DIX_RECORD_FIXTURES=1 to record them again.
@Suite struct GoldenHistoryTests {
    /// What `reordered.json` was recorded with: "first" then "second".
    struct ReorderedV1: Workflow {
        static let name = "reordered"
        func run(_ input: String, context: WorkflowContext) async throws -> String {
            let first = try await context.execute(Echo.self, "first")
            let second = try await context.execute(Echo.self, "second")
            return first + second
        }
    }

    /// Today's code: the same steps in the other order, which old histories cannot replay.
    struct ReorderedV2: Workflow {
        static let name = "reordered"
        func run(_ input: String, context: WorkflowContext) async throws -> String {
            let second = try await context.execute(Echo.self, "second")
            let first = try await context.execute(Echo.self, "first")
            return first + second
        }
    }

    static func fixture(_ name: String) throws -> ExportedHistory {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: "json"))
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(ExportedHistory.self, from: Data(contentsOf: url))
    }

    var registry: WorkflowRegistry {
        var registry = TestWorkflows.registry
        registry.register(ReorderedV2.self)
        return registry
    }

    @Test func completedHistoryReplaysOK() async throws {
        let report = try await Replayer(registry: registry).replay(exported: Self.fixture("completes"))
        #expect(report.result == .ok(closedAs: .completed))
        #expect(report.steps.count == 3)
    }

    @Test func failedHistoryReplaysToItsRecordedFailure() async throws {
        let report = try await Replayer(registry: registry).replay(exported: Self.fixture("fails"))
        guard case .recordedFailure(let step, let error) = report.result else {
            Issue.record("expected the recorded failure, got \(report.result)")
            return
        }
        #expect(step == 0)
        #expect(error.cause?.value.type == "Broken")
    }

    @Test func reorderedCodeIsNonDeterministicAtStepZero() async throws {
        let report = try await Replayer(registry: registry).replay(exported: Self.fixture("reordered"))
        guard case .nonDeterministic(let error) = report.result else {
            Issue.record("expected non-determinism, got \(report.result)")
            return
        }
        #expect(error.step == 0)
        #expect(error.recorded?.input == "\"first\"")
        #expect(error.actual?.input == "\"second\"")
    }

    @Test(.enabled(
        if: ProcessInfo.processInfo.environment["DIX_RECORD_FIXTURES"] == "1",
        "records the golden histories again; set DIX_RECORD_FIXTURES=1 to run"))
    func recordFixtures() async throws {
        let harness = try EngineHarness { $0.register(ReorderedV1.self) }
        _ = try await harness.worker.execute(SequenceWorkflow.self, input: 3, id: "golden-completes")
        let failing = try await harness.worker.start(FailingWorkflow.self, input: Flaky.Input(key: "golden", failures: 9), id: "golden-fails")
        _ = try await harness.worker.waitForClose(runID: failing.runID)
        _ = try await harness.worker.execute(ReorderedV1.self, input: "", id: "golden-reordered")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
        for (name, id) in [("completes", "golden-completes"), ("fails", "golden-fails"), ("reordered", "golden-reordered")] {
            try encoder.encode(try await harness.client.export(id)).write(to: directory.appendingPathComponent("\(name).json"))
        }
        await harness.stop()
    }
}
