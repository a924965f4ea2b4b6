@testable import DixEngine
import Foundation
import GRDB
import Testing

@Suite struct StoreTests {
    func path() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dixstore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("state.db").path
    }

    @Test func commitsAreDurableByDefaultInWALMode() throws {
        let store = try SQLiteStore(path: try path())
        #expect(try store.synchronousMode() == "FULL")
        #expect(try store.pool.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
        let normal = try SQLiteStore(path: try path(), synchronous: .normal)
        #expect(try normal.synchronousMode() == "NORMAL")
    }

    @Test func aDatabaseFromANewerVersionIsRefusedUntouched() throws {
        let file = try path()
        _ = try SQLiteStore(path: file)
        let queue = try DatabaseQueue(path: file)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')") }
        #expect {
            try SQLiteStore(path: file)
        } throws: { error in
            (error as? EngineError)?.code == .storage && "\(error)".contains("newer dixmgr")
        }
    }

    @Test func writesWithAStaleLeaseTokenAreRejected() async throws {
        let store = try SQLiteStore(path: try path())
        let now = Date()
        _ = try await store.startRun(NewRun(runID: "r1", workflowID: "w1", workflowType: "t", input: Data("1".utf8)), now: now)
        let first = try await store.claim(owner: "a", limit: 10, leaseUntil: now.addingTimeInterval(1), now: now)
        #expect(first.map(\.leaseToken) == [1])
        // The lease expires; worker b takes the run over with a new token.
        let later = now.addingTimeInterval(2)
        let second = try await store.claim(owner: "b", limit: 10, leaseUntil: later.addingTimeInterval(10), now: later)
        #expect(second.map(\.leaseToken) == [2])
        let event = HistoryEvent(step: 0, kind: .timerFired, name: "sleep", inputDigest: "x", time: later)
        let results = store.commit(
            [RunWrite(runID: "r1", leaseToken: 1, events: [event]), RunWrite(runID: "r1", leaseToken: 2, events: [event])], now: later)
        #expect((try? results[0].get()) == nil)
        #expect((results[0].failureValue as? EngineError)?.code == .leaseLost)
        #expect(try results[1].get().eventCount == 2)
        #expect(try await store.history(runID: "r1").count == 2)
    }
}

extension Result {
    var failureValue: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
