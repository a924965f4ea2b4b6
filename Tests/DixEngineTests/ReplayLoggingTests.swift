import DixEngine
import Foundation
import Logging
import Synchronization
import Testing

/// Workflow log lines are written while the code runs live, not again while a replay re-runs it.
@Suite struct ReplayLoggingTests {
    final class Capture: Sendable {
        let lines = Mutex<[String]>([])
    }

    struct CapturingHandler: LogHandler {
        let capture: Capture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            capture.lines.withLock { $0.append("\(event.message)") }
        }
    }

    struct Chatty: Workflow {
        static let name = "chatty"
        func run(_ input: Int, context: WorkflowContext) async throws -> Int {
            var total = 0
            for index in 0..<input {
                context.logger.info("step \(index)")
                total += try await context.execute(Flaky.self, Flaky.Input(key: "chatty-\(index)", failures: 0))
            }
            return total
        }
    }

    @Test func replayIsQuietUnlessVerbose() async throws {
        let harness = try EngineHarness { $0.register(Chatty.self) }
        _ = try await harness.worker.execute(Chatty.self, input: 3, id: "chatty")
        let exported = try await harness.client.export("chatty")
        await harness.stop()
        var registry = TestWorkflows.registry
        registry.register(Chatty.self)

        let quiet = Capture()
        let quietReport = try await Replayer(
            registry: registry, logger: Logger(label: "replay") { _ in CapturingHandler(capture: quiet) }
        ).replay(exported: exported)
        #expect(quietReport.result == .ok(closedAs: .completed))
        #expect(quiet.lines.withLock { $0.filter { $0.hasPrefix("step ") } }.isEmpty)

        let verbose = Capture()
        _ = try await Replayer(
            registry: registry, verbose: true, logger: Logger(label: "replay") { _ in CapturingHandler(capture: verbose) }
        ).replay(exported: exported)
        #expect(verbose.lines.withLock { $0.filter { $0.hasPrefix("step ") } } == ["step 0", "step 1", "step 2"])
    }
}
