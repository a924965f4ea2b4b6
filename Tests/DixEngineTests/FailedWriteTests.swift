@testable import DixEngine
import Foundation
import GRDB
import Testing

/// A write that fails (a full disk, an I/O error: here a trigger that refuses side-effect
/// events) stops its run without leaving a hole in its history: the run's later writes under
/// the same lease are refused, and the run is driven again from what was stored.
@Suite struct FailedWriteTests {
    static let refuseSideEffects = """
        CREATE TRIGGER refuse_side_effects BEFORE INSERT ON events WHEN NEW.kind = 'side_effect'
        BEGIN SELECT RAISE(ABORT, 'disk trouble'); END
        """

    /// A store with runs r1 and r2 claimed by worker a with lease token 1, refusing side effects.
    func claimedRunsRefusingSideEffects(now: Date) async throws -> SQLiteStore {
        let store = try SQLiteStore(path: try StoreTests().path())
        for id in ["r1", "r2"] {
            _ = try await store.startRun(NewRun(runID: id, workflowID: "w-\(id)", workflowType: "t", input: Data("1".utf8)), now: now)
        }
        _ = try await store.claim(owner: "a", limit: 10, leaseUntil: now.addingTimeInterval(60), now: now)
        try await store.pool.write { try $0.execute(sql: Self.refuseSideEffects) }
        return store
    }

    func sideEffect(step: Int, _ now: Date) -> HistoryEvent {
        HistoryEvent(step: step, kind: .sideEffect, name: "random", inputDigest: "x", output: Data("7".utf8), time: now)
    }

    func timerFired(step: Int, _ now: Date) -> HistoryEvent {
        HistoryEvent(step: step, kind: .timerFired, name: "nap", inputDigest: "y", time: now)
    }

    @Test func aRunsWritesAfterItsFailedOneInTheSameBatchAreRefused() async throws {
        let now = Date()
        let store = try await claimedRunsRefusingSideEffects(now: now)
        let results = store.commit([
            RunWrite(runID: "r1", leaseToken: 1, events: [sideEffect(step: 0, now)]),
            RunWrite(runID: "r1", leaseToken: 1, events: [timerFired(step: 1, now)]),
            RunWrite(runID: "r2", leaseToken: 1, events: [timerFired(step: 0, now)]),
        ], now: now)
        #expect("\(results[0].failureValue.map { "\($0)" } ?? "")".contains("disk trouble"))
        #expect("\(results[1].failureValue.map { "\($0)" } ?? "")".contains("an earlier write of the run failed"))
        #expect(try results[2].get().eventCount == 2)
        #expect(try await store.history(runID: "r1").map(\.kind) == [.workflowStarted])
    }

    @Test func theCommitterRefusesARunsLaterWritesUntilItsLeaseIsRenewed() async throws {
        let now = Date()
        let store = try await claimedRunsRefusingSideEffects(now: now)
        let committer = GroupCommitter(store: store, clock: SystemClock())
        await #expect(throws: (any Error).self) {
            try await committer.commit(RunWrite(runID: "r1", leaseToken: 1, events: [sideEffect(step: 0, now)]))
        }
        // The disk recovers, but the step that used the side effect must not land without it.
        try await store.pool.write { try $0.execute(sql: "DROP TRIGGER refuse_side_effects") }
        await #expect {
            try await committer.commit(RunWrite(runID: "r1", leaseToken: 1, events: [timerFired(step: 1, now)]))
        } throws: { "\($0)".contains("an earlier write of the run failed") }
        #expect(try await committer.commit(RunWrite(runID: "r2", leaseToken: 1, events: [timerFired(step: 0, now)])).eventCount == 2)

        // Driven again under a new lease, the run starts over from what was stored.
        let retaken = try #require(
            try await store.retake(runID: "r1", owner: "a", leaseToken: 1, leaseUntil: now.addingTimeInterval(60), now: now))
        #expect(retaken.leaseToken == 2)
        #expect(try await committer.commit(RunWrite(runID: "r1", leaseToken: 2, events: [sideEffect(step: 0, now)])).eventCount == 2)
        #expect(try await store.history(runID: "r1").map(\.kind) == [.workflowStarted, .sideEffect])
        // Only the holder of the current lease can retake a run.
        #expect(try await store.retake(runID: "r1", owner: "a", leaseToken: 1, leaseUntil: now, now: now) == nil)
        #expect(try await store.retake(runID: "r1", owner: "b", leaseToken: 2, leaseUntil: now, now: now) == nil)
    }

    /// The run's side effects cannot be written: it does not complete without them, and once the
    /// disk recovers it completes with every step recorded and the values it used.
    @Test func aRunWhoseSideEffectWasNotStoredCompletesWithItOnceTheDiskRecovers() async throws {
        let harness = try EngineHarness()
        // Waits for the worker's write lock, as dixctl does (the worker writes while it retries).
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let database = try DatabaseQueue(path: harness.path, configuration: configuration)
        try await database.write { try $0.execute(sql: Self.refuseSideEffects) }
        let run = try await harness.worker.start(SideEffects.self, input: "x", id: "side-effects-\(UUID().uuidString)")

        // The activity after the side effects ran, but its completion was refused.
        let deadline = ContinuousClock.now + .seconds(10)
        while !TestWorkflows.log.all.contains(where: { $0.hasPrefix("echo:\(run.runID):") }) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await harness.history(run.runID).map(\.kind) == [.workflowStarted])
        #expect(try await harness.client.result(run.runID, wait: false).status == .running)

        try await database.write { try $0.execute(sql: "DROP TRIGGER refuse_side_effects") }
        let closed = try await harness.worker.waitForClose(runID: run.runID)
        #expect(closed.status == .completed)
        let history = try await harness.history(run.runID)
        #expect(history.map(\.kind) == [.workflowStarted, .sideEffect, .sideEffect, .sideEffect, .activityCompleted, .workflowCompleted])
        let output = try PayloadCodec.decode(SideEffects.Output.self, from: closed.result ?? Data())
        #expect(history[2].output == Data(String(output.random).utf8))
        #expect(history[4].input == (try PayloadCodec.encode("\(output.random)")))
        #expect(TestWorkflows.log.all.filter { $0.hasPrefix("echo:\(run.runID):") }.count >= 2)
        let report = try await harness.client.replay(run.runID)
        await harness.stop()
        guard case .ok = report.result else {
            Issue.record("replay: \(report.result)")
            return
        }
    }
}
