import DixEngine
import Foundation
import Testing

@Suite struct RecoveryTests {
    @Test func aNewWorkerResumesWithoutRedoingCompletedSteps() async throws {
        struct Gated: DixEngine.Workflow {
            static let name = "gated"
            func run(_ input: String, context: WorkflowContext) async throws -> String {
                let first = try await context.execute(Echo.self, "\(input)-first")
                let signal = try await context.waitForSignal("continue", as: String.self) ?? ""
                let second = try await context.execute(Echo.self, "\(input)-second")
                return [first, signal, second].joined(separator: "|")
            }
        }
        let key = "recover-\(UUID())"
        let harness = try EngineHarness(configuration: WorkerConfiguration(leaseDuration: .seconds(1))) { $0.register(Gated.self) }
        let run = try await harness.worker.start(Gated.self, input: key, id: key)
        try await harness.waitForEvent(key, .signalWaitStarted)
        await harness.stop()
        // Signal while no worker runs: it waits in the inbox.
        try await harness.client.signal(key, name: "continue", payload: Data("\"go\"".utf8))
        let second = try EngineHarness(configuration: WorkerConfiguration(leaseDuration: .seconds(1)), directory: harness.directory) {
            $0.register(Gated.self)
        }
        let closed = try await second.worker.waitForClose(runID: run.runID)
        #expect(closed.status == .completed)
        #expect(String(decoding: closed.result ?? Data(), as: UTF8.self) == "\"echo \(key)-first|go|echo \(key)-second\"")
        #expect(TestWorkflows.log.count("echo:\(run.runID):\(key)-first") == 1)
        #expect(TestWorkflows.log.count("echo:\(run.runID):\(key)-second") == 1)
        await second.stop()
    }

    @Test func twoWorkersNeverAdvanceOneRunTogether() async throws {
        let first = try EngineHarness()
        let second = try EngineHarness(directory: first.directory)
        var runs: [String] = []
        for index in 0..<40 {
            runs.append(try await first.client.start(type: SequenceWorkflow.name, input: Data("5".utf8), id: "shared-\(index)").runID)
        }
        for runID in runs {
            let closed = try await first.client.result(runID, wait: true)
            #expect(closed.status == .completed)
        }
        for (index, runID) in runs.enumerated() {
            for step in 0..<5 {
                #expect(TestWorkflows.log.count("echo:\(runID):shared-\(index)-\(step)") == 1)
            }
            let history = try await first.history(runID)
            #expect(history.filter { $0.kind == .activityCompleted }.count == 5)
        }
        await first.stop()
        await second.stop()
    }

}
