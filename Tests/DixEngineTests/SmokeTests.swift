import DixEngine
import Foundation
import Testing

@Suite struct SmokeTests {
    @Test func sequentialActivitiesComplete() async throws {
        let harness = try EngineHarness()
        let output = try await harness.worker.execute(SequenceWorkflow.self, input: 3, id: "smoke")
        #expect(output == ["echo smoke-0", "echo smoke-1", "echo smoke-2"])
        await harness.stop()
    }
}
