import DixEngine
import Foundation
import Testing

@Suite struct ChildAndContinueTests {
    @Test func childWorkflowsRunAndReturnTheirResults() async throws {
        let harness = try EngineHarness()
        let output = try await harness.worker.execute(ParentWorkflow.self, input: 2, id: "parent")
        #expect(output.count == 4)
        #expect(output.allSatisfy { $0.hasPrefix("echo parent/child-") })
        let history = try await harness.history("parent")
        #expect(history.filter { $0.kind == .childStarted }.count == 2)
        #expect(history.filter { $0.kind == .childClosed }.count == 2)
        let children = try await harness.client.list().filter { $0.parentRunID != nil }
        #expect(children.count == 2 && children.allSatisfy { $0.status == .completed })
        await harness.stop()
    }

    @Test func parentClosePolicyCancelsOrTerminatesOpenChildren() async throws {
        struct Parent: DixEngine.Workflow {
            static let name = "abandoning-parent"
            func run(_ input: String, context: WorkflowContext) async throws -> String {
                _ = try await context.startChild(
                    SleepThenSignal.self, input: .init(sleepSeconds: 0), id: "child-terminate", parentClosePolicy: .terminate)
                _ = try await context.startChild(
                    SleepThenSignal.self, input: .init(sleepSeconds: 0), id: "child-abandon", parentClosePolicy: .abandon)
                _ = try await context.startChild(
                    SleepThenSignal.self, input: .init(sleepSeconds: 0), id: "child-cancel", parentClosePolicy: .cancel)
                return "done"
            }
        }
        let harness = try EngineHarness { $0.register(Parent.self) }
        _ = try await harness.worker.execute(Parent.self, input: "")
        let terminated = try await harness.worker.waitForClose(runID: harness.client.run("child-terminate").runID)
        #expect(terminated.status == .terminated)
        let canceled = try await harness.worker.waitForClose(runID: harness.client.run("child-cancel").runID)
        #expect(canceled.status == .canceled)
        #expect(try await harness.client.run("child-abandon").status == .running)
        await harness.stop()
    }

    @Test func continueAsNewKeepsTheWorkflowIDAndLinksRuns() async throws {
        let harness = try EngineHarness()
        let first = try await harness.worker.start(CounterWorkflow.self, input: .init(count: 0, until: 3), id: "counter")
        let final = try await harness.client.result("counter", wait: true)
        #expect(final.status == .completed)
        #expect(String(decoding: final.result ?? Data(), as: UTF8.self) == "3")
        let runs = try await harness.client.list().filter { $0.workflowID == "counter" }
        #expect(runs.count == 4)
        #expect(runs.filter { $0.status == .continued }.count == 3)
        let firstClosed = try await harness.client.run(first.runID)
        #expect(firstClosed.nextRunID != nil)
        #expect(try await harness.client.run(firstClosed.nextRunID!).previousRunID == first.runID)
        await harness.stop()
    }
}
