import DixEngine
import Foundation
import MetricsTestKit
import Testing

@Suite struct BoundsAndObservabilityTests {
    @Test func historyAboveTheLimitFailsTheRunWithAClearError() async throws {
        let harness = try EngineHarness(configuration: WorkerConfiguration(historyWarningEvents: 5, historyLimitEvents: 10))
        let run = try await harness.worker.start(SequenceWorkflow.self, input: 50, id: "too-long")
        let closed = try await harness.worker.waitForClose(runID: run.runID)
        #expect(closed.status == .failed)
        #expect(closed.error?.type == "EngineError")
        #expect(closed.error?.message.contains("limit of 10 events") == true)
        #expect(closed.error?.message.contains("continue-as-new") == true)
        await harness.stop()
    }

    @Test func purgeRemovesRunsClosedBeforeTheRetention() async throws {
        let clock = DixEngine.ManualClock()
        let harness = try EngineHarness(clock: clock, configuration: WorkerConfiguration(retention: .seconds(3600)))
        let old = try await harness.worker.start(SequenceWorkflow.self, input: 1, id: "old")
        _ = try await harness.worker.waitForClose(runID: old.runID)
        clock.advance(by: .seconds(7200))
        _ = try await harness.worker.execute(SequenceWorkflow.self, input: 1, id: "recent")
        await harness.stop()
        let restarted = try EngineHarness(clock: clock, configuration: WorkerConfiguration(retention: .seconds(3600)), directory: harness.directory)
        var remaining: [String] = []
        for _ in 0..<200 {
            remaining = try await restarted.client.list().map(\.workflowID)
            if remaining == ["recent"] { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(remaining == ["recent"])
        #expect(try await restarted.client.export("recent").events.count > 0)
        await restarted.stop()
    }

    @Test func aWorkflowTypeWithItsOwnRetentionIsPurgedOnItsOwnSchedule() async throws {
        let clock = DixEngine.ManualClock()
        let configuration = WorkerConfiguration(retention: .seconds(3600))
        let harness = try EngineHarness(clock: clock, configuration: configuration)
        _ = try await harness.worker.execute(ShortLivedWorkflow.self, input: 1, id: "short")
        _ = try await harness.worker.execute(SequenceWorkflow.self, input: 1, id: "long")
        await harness.stop()
        // Past the short-lived type's minute, within the worker's hour.
        clock.advance(by: .seconds(120))
        let restarted = try EngineHarness(clock: clock, configuration: configuration, directory: harness.directory)
        var remaining: [String] = []
        for _ in 0..<200 {
            remaining = try await restarted.client.list().map(\.workflowID)
            if remaining == ["long"] { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(remaining == ["long"])
        await restarted.stop()
    }

    @Test func workflowAndActivityMetricsByTypeAndOutcome() async throws {
        let metrics = TestMetrics()
        let harness = try EngineHarness(configuration: WorkerConfiguration(metricsFactory: metrics))
        _ = try await harness.worker.execute(SequenceWorkflow.self, input: 2)
        let failing = try await harness.worker.start(FailingWorkflow.self, input: Flaky.Input(key: "metrics-\(UUID())", failures: 9))
        _ = try await harness.worker.waitForClose(runID: failing.runID)
        #expect(try metrics.expectCounter("workflow_executions_total", [("type", "sequence"), ("status", "completed")]).totalValue == 1)
        #expect(try metrics.expectCounter("workflow_executions_total", [("type", "failing"), ("status", "failed")]).totalValue == 1)
        #expect(try metrics.expectCounter("activity_executions_total", [("type", "echo"), ("status", "completed")]).totalValue == 2)
        #expect(try metrics.expectCounter("activity_errors_total", [("type", "flaky"), ("error_type", "Broken")]).totalValue == 3)
        #expect(try metrics.expectTimer("activity_duration_seconds", [("type", "echo")]).values.count == 2)
        #expect(try metrics.expectTimer("workflow_duration_seconds", [("type", "sequence")]).values.count == 1)
        await harness.stop()
    }
}
