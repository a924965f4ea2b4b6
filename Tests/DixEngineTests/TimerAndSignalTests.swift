import DixEngine
import Foundation
import Testing

@Suite struct TimerAndSignalTests {
    @Test func durableSleepRecordsItsDeadlineAndFiresOnTheClock() async throws {
        let clock = ManualClock()
        let harness = try EngineHarness(clock: clock)
        let run = try await harness.worker.start(
            SleepThenSignal.self, input: .init(sleepSeconds: 3600, signalTimeoutSeconds: 10), id: "sleeper")
        await clock.waitForSleepers(4)
        let started: HistoryEvent? = try await harness.waitForEvent("sleeper", .timerStarted)
        #expect(started?.detail?.deadline == clock.now().addingTimeInterval(3600))
        let description = try await harness.client.describe("sleeper")
        #expect(description.steps.first { $0.kind == .timer }?.outcome == "waiting")
        #expect(String(decoding: description.run.publishedStatus ?? Data(), as: UTF8.self).contains("sleeping"))
        clock.advance(by: .seconds(3600))
        await clock.waitForSleepers(4)
        clock.advance(by: .seconds(11))
        let closed = try await harness.worker.waitForClose(runID: run.runID)
        #expect(closed.status == .completed)
        #expect(String(decoding: closed.result ?? Data(), as: UTF8.self) == "\"timed out\"")
        await harness.stop()
    }

    @Test func signalSentBeforeTheWaitIsBufferedAndDelivered() async throws {
        struct Workflow: DixEngine.Workflow {
            static let name = "late-waiter"
            func run(_ input: Int, context: WorkflowContext) async throws -> [String] {
                _ = try await context.waitForSignal("go", as: String.self)
                var received: [String] = []
                for _ in 0..<input {
                    received.append(try await context.waitForSignal("item", as: String.self) ?? "none")
                }
                return received
            }
        }
        let harness = try EngineHarness { $0.register(Workflow.self) }
        let run = try await harness.worker.start(Workflow.self, input: 3, id: "buffered")
        for item in ["a", "b", "c"] {
            try await harness.client.signal("buffered", name: "item", payload: Data("\"\(item)\"".utf8))
        }
        try await harness.client.signal("buffered", name: "go", payload: Data("\"now\"".utf8))
        let closed = try await harness.worker.waitForClose(runID: run.runID)
        #expect(String(decoding: closed.result ?? Data(), as: UTF8.self) == "[\"a\",\"b\",\"c\"]")
        await harness.stop()
    }

    @Test func signalsToAnotherWorkflowArriveThroughTheContext() async throws {
        struct Sender: DixEngine.Workflow {
            static let name = "sender"
            func run(_ input: String, context: WorkflowContext) async throws -> Bool {
                try await context.signal(workflowID: input, "approve", payload: "from sender")
                return true
            }
        }
        let harness = try EngineHarness { $0.register(Sender.self) }
        let receiver = try await harness.worker.start(SleepThenSignal.self, input: .init(sleepSeconds: 0), id: "receiver")
        _ = try await harness.worker.execute(Sender.self, input: "receiver")
        let closed = try await harness.worker.waitForClose(runID: receiver.runID)
        #expect(String(decoding: closed.result ?? Data(), as: UTF8.self) == "\"from sender\"")
        await harness.stop()
    }

    @Test func signalToAMissingWorkflowFailsTheStep() async throws {
        struct Sender: DixEngine.Workflow {
            static let name = "lonely-sender"
            func run(_ input: String, context: WorkflowContext) async throws -> String {
                do {
                    try await context.signal(workflowID: "nobody", "approve", payload: "x")
                    return "sent"
                } catch let error as ErrorInfo {
                    return error.type
                }
            }
        }
        let harness = try EngineHarness { $0.register(Sender.self) }
        #expect(try await harness.worker.execute(Sender.self, input: "") == "WorkflowNotFound")
        await harness.stop()
    }

    @Test func signalsKeepArrivalOrderAcrossManySenders() async throws {
        struct Collector: DixEngine.Workflow {
            static let name = "collector"
            func run(_ input: Int, context: WorkflowContext) async throws -> [Int] {
                var values: [Int] = []
                for _ in 0..<input { values.append(try await context.waitForSignal("n", as: Int.self) ?? -1) }
                return values
            }
        }
        let harness = try EngineHarness { $0.register(Collector.self) }
        let run = try await harness.worker.start(Collector.self, input: 20, id: "collector")
        for value in 0..<20 {
            try await harness.client.signal("collector", name: "n", payload: Data("\(value)".utf8))
        }
        let closed = try await harness.worker.waitForClose(runID: run.runID)
        let values = try JSONDecoder().decode([Int].self, from: closed.result ?? Data())
        #expect(values == Array(0..<20))
        await harness.stop()
    }
}
