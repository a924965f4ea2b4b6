@testable import DixEngine
import Foundation
import GRDB
import Testing

/// Migration v2 moves events from a `(run_id, event_index)` key to one integer per event (the
/// run's key shifted left 32 bits, plus the index): a database written by the previous version
/// opens with every history intact, and its open runs go on where they were.
@Suite struct EventKeyMigrationTests {
    static let v1 = "v1-runs-events-timers-signals"
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// A database as the previous version left it: a completed run of three events, then an
    /// open run of two, claimed by worker a with lease token 1, created in that order.
    func previousVersionDatabase() throws -> String {
        let path = try StoreTests().path()
        let queue = try DatabaseQueue(path: path)
        try SQLiteStore.migrator.migrate(queue, upTo: Self.v1)
        let (ms, leaseEnd) = (SQLiteStore.ms(now), SQLiteStore.ms(now) + 600_000)
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO runs (run_id, workflow_id, workflow_type, status, input, result, created_at, started_at, closed_at,
                                  updated_at, lease_token, event_count)
                VALUES ('done', 'w-done', 't', 'completed', x'31', x'32', \(ms), \(ms), \(ms), \(ms), 1, 3);
                INSERT INTO runs (run_id, workflow_id, workflow_type, status, input, created_at, started_at, updated_at,
                                  owner, lease_expires_at, lease_token, event_count)
                VALUES ('open', 'w-open', 't', 'running', x'31', \(ms), \(ms), \(ms), 'a', \(leaseEnd), 1, 1);
                INSERT INTO events (run_id, event_index, step, kind, name, attempt, digest, input, output, detail, time) VALUES
                    ('done', 0, NULL, 'workflow_started', 't', NULL, NULL, x'31', NULL, NULL, \(ms)),
                    ('done', 1, 0, 'activity_completed', 'greet', 1, 'abc', x'31', x'32', '{"scheduledAt":1800000000000}', \(ms)),
                    ('done', 2, NULL, 'workflow_completed', NULL, NULL, NULL, NULL, x'32', NULL, \(ms)),
                    ('open', 0, NULL, 'workflow_started', 't', NULL, NULL, x'31', NULL, NULL, \(ms)),
                    ('open', 1, 0, 'timer_started', 'nap', NULL, 'def', NULL, NULL, '{"deadline":1800000060000}', \(ms));
                """)
        }
        return path
    }

    @Test func historiesAndOpenRunsSurviveTheMigration() async throws {
        let store = try SQLiteStore(path: try previousVersionDatabase())

        let done = try await store.history(runID: "done")
        #expect(done.map(\.index) == [0, 1, 2])
        #expect(done.map(\.kind) == [.workflowStarted, .activityCompleted, .workflowCompleted])
        #expect(done[1].name == "greet" && done[1].inputDigest == "abc" && done[1].output == Data("2".utf8))
        #expect(done[1].detail?.scheduledAt == now)
        let open = try await store.history(runID: "open")
        #expect(open.map(\.kind) == [.workflowStarted, .timerStarted])
        #expect(open[1].detail?.deadline == now.addingTimeInterval(60))
        #expect(try await store.run(id: "done")?.eventCount == 3)
        #expect(try await store.run(id: "open")?.eventCount == 2)

        // The open run's owner goes on: its next event is number 2.
        let fired = HistoryEvent(step: 0, kind: .timerFired, name: "nap", inputDigest: "def", time: now)
        #expect(try store.commit([RunWrite(runID: "open", leaseToken: 1, events: [fired])], now: now)[0].get().eventCount == 3)
        #expect(try await store.history(runID: "open").map(\.kind) == [.workflowStarted, .timerStarted, .timerFired])
        #expect(try await store.history(runID: "done").count == 3)

        // A new run gets a key after the migrated ones, and a history of its own.
        _ = try await store.startRun(NewRun(runID: "new", workflowID: "w-new", workflowType: "t", input: Data("1".utf8)), now: now)
        let keys = try await store.pool.read { try Int64.fetchAll($0, sql: "SELECT run_key FROM runs ORDER BY rowid") }
        #expect(keys == [1, 2, 3])
        #expect(try await store.history(runID: "new").map(\.kind) == [.workflowStarted])
        #expect(try await store.history(runID: "open").count == 3)
    }

    /// Purging the newest run frees its key with its events: the next run starts an empty history.
    @Test func aPurgedRunsKeyComesBackWithoutItsEvents() async throws {
        let store = try SQLiteStore(path: try previousVersionDatabase())
        _ = try await store.startRun(NewRun(runID: "last", workflowID: "w-last", workflowType: "t", input: Data("1".utf8)), now: now)
        _ = try await store.terminate("last", reason: "test", now: now)
        #expect(try await store.history(runID: "last").map(\.kind) == [.workflowStarted, .workflowTerminated])
        #expect(try await store.purge(closedBefore: now.addingTimeInterval(1), only: "t") == 2)
        _ = try await store.startRun(NewRun(runID: "next", workflowID: "w-next", workflowType: "t", input: Data("1".utf8)), now: now)
        #expect(try await store.history(runID: "next").map(\.kind) == [.workflowStarted])
        #expect(try await store.run(id: "next")?.eventCount == 1)
        #expect(try await store.history(runID: "open").count == 2)
    }

    /// An event index the new key cannot hold stops the migration with the run and the event
    /// named, and leaves the file as it was.
    @Test func anIndexTheKeyCannotHoldIsRefusedUntouched() async throws {
        let path = try previousVersionDatabase()
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: """
                INSERT INTO events (run_id, event_index, kind, time) VALUES ('open', 4294967296, 'timer_fired', 0)
                """)
        }
        #expect {
            try SQLiteStore(path: path)
        } throws: { error in
            (error as? EngineError)?.code == .storage && "\(error)".contains("event 4294967296 of run open")
        }
        let applied = try await queue.read { try SQLiteStore.migrator.appliedIdentifiers($0) }
        #expect(applied == [Self.v1])
        #expect(try await queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM events") } == 6)
    }

    /// A worker running on the file has the older schema: the upgrade waits until it stopped,
    /// and says so, leaving the file as it was.
    @Test func theUpgradeWaitsForTheRunningWorkerToStop() async throws {
        let path = try previousVersionDatabase()
        let worker = "host-1-running"
        let holder = try await DeadWorkerTakeoverTests.LockHolder(databasePath: path, workerID: worker)
        #expect {
            try SQLiteStore(path: path)
        } throws: { error in
            (error as? EngineError)?.code == .storage
                && "\(error)".contains("needs a schema upgrade (migration 'v2-events-keyed-by-run-key') that the running worker \(worker) cannot follow")
        }
        let queue = try DatabaseQueue(path: path)
        #expect(try await queue.read { try SQLiteStore.migrator.appliedIdentifiers($0) } == [Self.v1])
        // Once it is gone, killed or stopped, the upgrade goes ahead.
        holder.kill()
        let store = try SQLiteStore(path: path)
        #expect(try await store.history(runID: "done").count == 3)
    }
}
