@testable import DixEngine
import Foundation
import GRDB
import Synchronization
import Testing

/// A step's commit skips reading its fence when the writer's own last commit left the run so and
/// nothing changed the file since (``FenceMemo``). These tests show that it does, and that every
/// kind of change in between still reaches the fence.
@Suite struct FenceMemoTests {
    let now = Date()
    let step = HistoryEvent(step: 0, kind: .timerFired, name: "sleep", inputDigest: "x", time: Date())

    final class Count: Sendable {
        private let value = Mutex(0)
        func add() { value.withLock { $0 += 1 } }
        var total: Int { value.withLock { $0 } }
    }

    /// A store with run r1 claimed by worker a (token 1), counting the fence reads its writer makes.
    func storeCountingFenceReads() async throws -> (SQLiteStore, Count) {
        let store = try SQLiteStore(path: try StoreTests().path())
        _ = try await store.startRun(NewRun(runID: "r1", workflowID: "w1", workflowType: "t", input: Data("1".utf8)), now: now)
        _ = try await store.claim(owner: "a", limit: 10, leaseUntil: now.addingTimeInterval(1), now: now)
        let reads = Count()
        try await store.pool.writeWithoutTransaction { db in
            db.trace(options: .statement) { event in
                guard case .statement(let statement) = event, statement.sql.contains("lease_token = ?1") else { return }
                reads.add()
            }
        }
        return (store, reads)
    }

    func commitStep(_ store: SQLiteStore, run: String = "r1", token: Int64 = 1) -> Result<WriteReceipt, Error> {
        store.commit([RunWrite(runID: run, leaseToken: token, events: [step])], now: now)[0]
    }

    @Test func aRunsNextStepReadsNoFenceUntilSomethingElseWrites() async throws {
        let (store, reads) = try await storeCountingFenceReads()
        _ = try commitStep(store).get()
        _ = try commitStep(store).get()
        _ = try commitStep(store).get()
        #expect(reads.total == 1)

        // Another connection (another process) writes: the next step reads its fence again.
        try await DatabaseQueue(path: store.path).write { db in
            try db.execute(sql: "INSERT INTO signals (workflow_id, name, sent_at) VALUES ('elsewhere', 'go', 0)")
        }
        _ = try commitStep(store).get()
        #expect(reads.total == 2)

        // So does a write of the store's own connection that is not a step's commit.
        try await store.pool.write { db in
            try db.execute(sql: "INSERT INTO signals (workflow_id, name, sent_at) VALUES ('elsewhere', 'go', 0)")
        }
        _ = try commitStep(store).get()
        _ = try commitStep(store).get()
        #expect(reads.total == 3)
        #expect(try await store.run(id: "r1")?.eventCount == 7)
    }

    @Test(arguments: ["another connection", "the same connection"])
    func aTakeoverBetweenTwoStepsStillLosesTheLease(by writer: String) async throws {
        let (store, _) = try await storeCountingFenceReads()
        _ = try commitStep(store).get()
        // The lease expires and worker b takes the run over.
        let later = now.addingTimeInterval(2)
        if writer == "the same connection" {
            #expect(try await store.claim(owner: "b", limit: 10, leaseUntil: later.addingTimeInterval(10), now: later).map(\.leaseToken) == [2])
        } else {
            let other = try SQLiteStore(path: store.path)
            #expect(try await other.claim(owner: "b", limit: 10, leaseUntil: later.addingTimeInterval(10), now: later).map(\.leaseToken) == [2])
        }
        #expect((commitStep(store).failureValue as? EngineError)?.code == .leaseLost)
        #expect(try await store.history(runID: "r1").count == 2)
        _ = try commitStep(store, token: 2).get()
    }

    /// Closing a parent terminates its child in the same connection's commit: the child's next
    /// step must not go by what the memo knew of it. In a later commit only the memo's forgetting
    /// stops it; in the same batch the terminate's own event would also take the index the memo
    /// gives, and the events' primary key refuses the step, so that case checks the outcome only.
    @Test(arguments: [false, true])
    func aChildTerminatedByItsParentsCloseWritesNoMore(sameBatch: Bool) async throws {
        let store = try SQLiteStore(path: try StoreTests().path())
        _ = try await store.startRun(NewRun(runID: "p", workflowID: "parent", workflowType: "t", input: Data("1".utf8)), now: now)
        _ = try await store.startRun(
            NewRun(
                runID: "c", workflowID: "child", workflowType: "t", input: Data("1".utf8), parentRunID: "p", parentStep: 0,
                parentClosePolicy: .terminate),
            now: now)
        _ = try await store.claim(owner: "a", limit: 10, leaseUntil: now.addingTimeInterval(60), now: now)
        _ = try commitStep(store, run: "c").get()

        var close = RunWrite(runID: "p", leaseToken: 1, events: [HistoryEvent(kind: .workflowCompleted, output: Data("1".utf8), time: now)])
        close.close = .init(status: .completed, result: Data("1".utf8))
        let childStep = RunWrite(runID: "c", leaseToken: 1, events: [step])
        let results = sameBatch ? store.commit([close, childStep], now: now) : [store.commit([close], now: now)[0], commitStep(store, run: "c")]
        _ = try results[0].get()
        #expect((results[1].failureValue as? EngineError)?.code == .leaseLost)
        #expect(try await store.run(id: "c")?.status == .terminated)
    }
}
