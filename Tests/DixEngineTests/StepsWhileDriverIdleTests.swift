import DixEngine
import Foundation
import MetricsTestKit
import Testing

/// A run stepping through activities is driven without waking its driver for each step (see
/// `RunDriver.startWhileIdle`); whatever else happens to the run meanwhile still reaches the
/// driver, in history order.
@Suite struct StepsWhileDriverIdleTests {
    @Test func signalsArrivingAmidQuickStepsAreDeliveredAndEveryHistoryReplays() async throws {
        let harness = try EngineHarness()
        let ids = (0..<20).map { "beside-\($0)" }
        var runs: [RunRecord] = []
        for id in ids { runs.append(try await harness.worker.start(StepsBesideSignal.self, input: 200, id: id)) }
        for (position, id) in ids.enumerated() {
            // Some before the wait is recorded, most while the steps run, some after.
            try await Task.sleep(for: .microseconds(Int.random(in: 0...3_000)))
            try await harness.client.signal(id, name: "go", payload: Data("\(position)".utf8))
        }
        for (position, run) in runs.enumerated() {
            let closed = try await harness.worker.waitForClose(runID: run.runID)
            #expect(closed.status == .completed)
            #expect(closed.result.map { String(decoding: $0, as: UTF8.self) } == "\"echo 199, go \(position)\"")
            let report = try await harness.client.replay(ids[position])
            #expect(report.result == .ok(closedAs: .completed), "\(ids[position]): \(report.result)")
        }
        await harness.stop()
    }

    @Test func aCancelAmidQuickStepsStopsThemAndNoStepCompletesAfterIt() async throws {
        let harness = try EngineHarness()
        let run = try await harness.worker.start(SequenceWorkflow.self, input: 1_000_000, id: "cancel-amid-steps")
        let deadline = ContinuousClock.now + .seconds(10)
        while try await harness.history("cancel-amid-steps").count < 50, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        _ = try await harness.client.cancel("cancel-amid-steps")
        let closed = try await harness.worker.waitForClose(runID: run.runID)
        #expect(closed.status == .canceled)
        let history = try await harness.history("cancel-amid-steps")
        let cancel = try #require(history.firstIndex { $0.kind == .cancelRequested })
        #expect(cancel >= 50)
        #expect(!history[cancel...].contains { $0.kind == .activityCompleted })
        #expect(try await harness.client.replay("cancel-amid-steps").result == .ok(closedAs: .canceled))
        await harness.stop()
    }

    @Test func aWorkerStoppedAmidQuickStepsLeavesThemToTheNextWithoutRunningAnyTwice() async throws {
        let harness = try EngineHarness()
        let id = "stopped-amid-steps-\(UUID())"
        let run = try await harness.worker.start(SequenceWorkflow.self, input: 2_000, id: id)
        let deadline = ContinuousClock.now + .seconds(10)
        while try await harness.history(id).count < 100, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        // A graceful stop: in-flight activities finish and are recorded, no new one starts.
        await harness.stop()
        let recorded = try await harness.history(id).filter { $0.kind == .activityCompleted }.count
        #expect(recorded >= 99 && recorded < 2_000, "\(recorded) steps recorded when the worker stopped")
        #expect(TestWorkflows.log.all.filter { $0.hasPrefix("echo:\(run.runID):") }.count == recorded)

        let second = try EngineHarness(directory: harness.directory)
        let closed = try await second.worker.waitForClose(runID: run.runID)
        #expect(closed.status == .completed)
        for index in 0..<2_000 where TestWorkflows.log.count("echo:\(run.runID):\(id)-\(index)") != 1 {
            Issue.record("step \(index) ran \(TestWorkflows.log.count("echo:\(run.runID):\(id)-\(index)")) times")
        }
        #expect(try await second.client.replay(id).result == .ok(closedAs: .completed))
        await second.stop()
    }

    @Test func aHistoryPastItsWarningSizeIsReportedOnceAndTheRunGoesOn() async throws {
        let metrics = TestMetrics()
        let harness = try EngineHarness(
            configuration: WorkerConfiguration(historyWarningEvents: 5, historyLimitEvents: 1_000, metricsFactory: metrics))
        let results = try await harness.worker.execute(SequenceWorkflow.self, input: 30, id: "past-warning")
        #expect(results.count == 30)
        #expect(try metrics.expectCounter("workflow_history_warnings_total", [("type", "sequence")]).totalValue == 1)
        await harness.stop()
    }
}
