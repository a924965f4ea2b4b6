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
        let run = try await harness.worker.start(SequenceWorkflow.self, input: 1_000_000, id: id)
        func completed(_ harness: EngineHarness) async throws -> Int {
            try await harness.history(id).filter { $0.kind == .activityCompleted }.count
        }
        func waitFor(_ count: Int, _ harness: EngineHarness) async throws {
            let deadline = ContinuousClock.now + .seconds(10)
            while try await completed(harness) < count, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        try await waitFor(100, harness)
        // A graceful stop: in-flight activities finish and are recorded, no new one starts.
        await harness.shutDownGracefully()
        let recordedAtStop = try await completed(harness)
        #expect(recordedAtStop >= 100)
        #expect(TestWorkflows.log.all.filter { $0.hasPrefix("echo:\(run.runID):") }.count == recordedAtStop)

        let second = try EngineHarness(directory: harness.directory)
        try await waitFor(recordedAtStop + 100, second)
        _ = try await second.client.cancel(id)
        #expect(try await second.worker.waitForClose(runID: run.runID).status == .canceled)
        let recorded = try await completed(second)
        #expect(recorded >= recordedAtStop + 100)
        // How often each step's activity ran, counted once (the log holds every test's entries).
        let prefix = "echo:\(run.runID):\(id)-"
        var runs: [Int: Int] = [:]
        for entry in TestWorkflows.log.all where entry.hasPrefix(prefix) {
            if let index = Int(entry.dropFirst(prefix.count)) { runs[index, default: 0] += 1 }
        }
        func executions(_ index: Int) -> Int { runs[index] ?? 0 }
        for index in 0..<recorded where executions(index) != 1 {
            Issue.record("recorded step \(index) ran \(executions(index)) times")
        }
        // The step in flight when the cancel came may have run, unrecorded; none after it.
        #expect(executions(recorded) <= 1)
        #expect(executions(recorded + 1) == 0)
        #expect(try await second.client.replay(id).result == .ok(closedAs: .canceled))
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
