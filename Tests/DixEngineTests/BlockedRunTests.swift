import DixEngine
import Foundation
import Testing

@Suite struct BlockedRunTests {
    struct WaitV1: Workflow {
        static let name = "versioned"
        func run(_ input: String, context: WorkflowContext) async throws -> String {
            _ = try await context.execute(Echo.self, "v1")
            return try await context.waitForSignal("go", as: String.self) ?? ""
        }
    }

    struct WaitV2: Workflow {
        static let name = "versioned"
        func run(_ input: String, context: WorkflowContext) async throws -> String {
            _ = try await context.execute(Echo.self, "v2")
            return try await context.waitForSignal("go", as: String.self) ?? ""
        }
    }

    @Test func aRunWhoseCodeDivergedIsMarkedBlockedAndKeptOpen() async throws {
        let first = try EngineHarness { $0.register(WaitV1.self) }
        _ = try await first.worker.start(WaitV1.self, input: "", id: "versioned")
        try await first.waitForEvent("versioned", .signalWaitStarted)
        await first.stop()

        let second = try EngineHarness(directory: first.directory) { $0.register(WaitV2.self) }
        var run = try await second.client.run("versioned")
        for _ in 0..<500 where run.blockedReason == nil {
            try await Task.sleep(for: .milliseconds(10))
            run = try await second.client.run("versioned")
        }
        #expect(run.status == .running)
        #expect(run.blockedReason?.contains("non-determinism at step 0") == true)
        #expect(run.blockedReason?.contains("v1") == true)
        await second.stop()
    }
}
