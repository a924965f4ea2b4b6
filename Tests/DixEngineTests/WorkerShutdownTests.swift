import DixEngine
import Foundation
import Testing

/// A worker shut down gracefully lets in-flight activities run on for its grace period: as long
/// as they run, and no longer than the period.
@Suite struct WorkerShutdownTests {
    /// Sleeps for its input in milliseconds, finishing its sleep even when canceled (in a task of
    /// its own, which the cancel does not reach: a canceled sleep would return at once, and a
    /// loop around it would spin).
    struct Nap: Activity {
        static let name = "nap"
        func run(_ input: Int, context: ActivityContext) async throws -> Int {
            TestWorkflows.log.append("nap:\(context.runID)")
            await Task { try? await Task.sleep(for: .milliseconds(input)) }.value
            return input
        }
    }

    struct Napping: DixEngine.Workflow {
        static let name = "napping"
        func run(_ input: Int, context: WorkflowContext) async throws -> Int {
            try await context.execute(Nap.self, input)
        }
    }

    /// Starts a run whose activity naps `milliseconds`, shuts the worker down gracefully (as
    /// SIGTERM does) once the nap is under way, and returns how long the shutdown took and the
    /// run's history.
    func shutDown(grace: Duration, amidNapOf milliseconds: Int) async throws -> (took: Duration, history: [HistoryEvent]) {
        let harness = try EngineHarness(configuration: WorkerConfiguration(shutdownGracePeriod: grace)) {
            $0.register(Napping.self)
            $0.register(Nap())
        }
        let run = try await harness.worker.start(Napping.self, input: milliseconds)
        while TestWorkflows.log.count("nap:\(run.runID)") == 0 { try await Task.sleep(for: .milliseconds(10)) }
        let started = ContinuousClock.now
        await harness.shutDownGracefully()
        return (ContinuousClock.now - started, try await harness.history(run.runID))
    }

    @Test(.timeLimit(.minutes(1))) func aShutdownWaitsForTheActivityInFlightAndNoLonger() async throws {
        let (took, history) = try await shutDown(grace: .seconds(30), amidNapOf: 300)
        // The nap was allowed to end, and its end was recorded.
        #expect(history.contains { $0.kind == .activityCompleted && $0.name == Nap.name }, "\(history.map { "\($0.kind) \($0.name ?? "")" })")
        // The worker stopped when it ended, not at the end of the grace period.
        #expect(took < .seconds(10), "shutting down took \(took)")
    }

    @Test(.timeLimit(.minutes(1))) func aShutdownWaitsNoLongerThanTheGracePeriod() async throws {
        let (took, history) = try await shutDown(grace: .milliseconds(200), amidNapOf: 30_000)
        #expect(!history.contains { $0.kind == .activityCompleted })
        #expect(took < .seconds(10), "shutting down took \(took)")
    }
}
