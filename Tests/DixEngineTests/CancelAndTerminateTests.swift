import DixEngine
import Foundation
import Testing

@Suite struct CancelAndTerminateTests {
    @Test func cancelSurfacesAtTheWaitingStep() async throws {
        let harness = try EngineHarness()
        let run = try await harness.worker.start(SleepThenSignal.self, input: .init(sleepSeconds: 3600), id: "cancel-me")
        try await harness.waitForEvent("cancel-me", .timerStarted)
        _ = try await harness.client.cancel("cancel-me")
        let closed = try await harness.worker.waitForClose(runID: run.runID)
        #expect(closed.status == .canceled)
        #expect(try await harness.history("cancel-me").contains { $0.kind == .cancelRequested })
        await harness.stop()
    }

    @Test func terminateClosesAtOnceAndFencesTheOwner() async throws {
        let harness = try EngineHarness()
        let run = try await harness.worker.start(SleepThenSignal.self, input: .init(sleepSeconds: 0), id: "terminate-me")
        try await harness.waitForEvent("terminate-me", .signalWaitStarted)
        let terminated = try await harness.client.terminate("terminate-me", reason: "operator said so")
        #expect(terminated.status == .terminated)
        #expect(terminated.error?.message == "operator said so")
        await #expect(throws: EngineError.self) { try await harness.client.signal("terminate-me", name: "approve", payload: nil) }
        let closed = try await harness.worker.waitForClose(runID: run.runID)
        #expect(closed.status == .terminated)
        await harness.stop()
    }

    @Test func startingAnOpenWorkflowIDFails() async throws {
        let harness = try EngineHarness()
        _ = try await harness.worker.start(SleepThenSignal.self, input: .init(sleepSeconds: 0), id: "unique")
        await #expect {
            try await harness.client.start(type: SleepThenSignal.name, input: Data("{\"sleepSeconds\":0}".utf8), id: "unique")
        } throws: { error in
            (error as? EngineError)?.code == .alreadyRunning
        }
        await harness.stop()
    }

    @Test func unknownTypeAndBadInputAreInvalidInput() async throws {
        let harness = try EngineHarness()
        for (type, input) in [("nope", "{}"), (SleepThenSignal.name, "{"), (SleepThenSignal.name, "{\"sleepSeconds\":\"x\"}")] {
            await #expect {
                try await harness.client.start(type: type, input: Data(input.utf8))
            } throws: { error in
                (error as? EngineError)?.code == .invalidInput
            }
        }
        #expect(try await harness.client.list().isEmpty)
        await harness.stop()
    }
}
