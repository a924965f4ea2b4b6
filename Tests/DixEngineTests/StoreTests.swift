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

    /// A store with runs r1 (workflow w1) and r2 (w2), both claimed by worker a with token 1.
    func twoClaimedRuns(now: Date) async throws -> SQLiteStore {
        let store = try SQLiteStore(path: try path())
        _ = try await store.startRun(NewRun(runID: "r1", workflowID: "w1", workflowType: "t", input: Data("1".utf8)), now: now)
        _ = try await store.startRun(NewRun(runID: "r2", workflowID: "w2", workflowType: "t", input: Data("1".utf8)), now: now)
        _ = try await store.claim(owner: "a", limit: 10, leaseUntil: now.addingTimeInterval(60), now: now)
        return store
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

    /// A write refused part-way (its action already applied, then the fence failed) leaves
    /// nothing behind, and the next write commits normally.
    @Test func aRefusedWriteIsRolledBackWhole() async throws {
        let now = Date()
        let store = try await twoClaimedRuns(now: now)
        var stale = RunWrite(runID: "r1", leaseToken: 9)
        stale.action = .sendSignal(step: 0, target: "w2", name: "go", payload: Data("1".utf8), time: now)
        let refused = store.commit([stale], now: now)
        #expect((refused[0].failureValue as? EngineError)?.code == .leaseLost)
        #expect(try await store.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM signals") } == 0)
        #expect(try await store.history(runID: "r1").count == 1)

        var valid = stale
        valid.leaseToken = 1
        #expect(try store.commit([valid], now: now)[0].get().eventCount == 2)
        #expect(try await store.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM signals") } == 1)
    }

    /// Values bound through SQLite's C API read back as the same values bound by GRDB, types
    /// included (an empty blob too).
    @Test func rawBindingsMatchGRDBs() throws {
        let store = try SQLiteStore(path: try path())
        try store.pool.write { db in
            try db.execute(sql: "CREATE TABLE bound (id INTEGER, text TEXT, blob BLOB, integer INTEGER, real REAL)")
            let cases: [(String?, Data?, Int64?, Double?)] = [
                ("plain", Data("x".utf8), 1, 0.5),
                ("", Data(), Int64.min, -0.0),
                ("naïve — 東京 🚀", Data([0, 255, 0]), Int64.max, 1e300),
                ("nul\u{0}inside", Data(repeating: 7, count: 10_000), 0, Double.pi),
                (nil, nil, nil, nil),
            ]
            for (index, (text, blob, integer, real)) in cases.enumerated() {
                let raw = RawStatement(try db.cachedStatement(sql: "INSERT INTO bound VALUES (?, ?, ?, ?, ?)"))
                raw.bind(index * 2, at: 1)
                raw.bind(text, at: 2)
                raw.bind(blob, at: 3)
                raw.bind(integer, at: 4)
                raw.bind(real, at: 5)
                try raw.execute(db)
                try db.execute(sql: "INSERT INTO bound VALUES (?, ?, ?, ?, ?)", arguments: [index * 2 + 1, text, blob, integer, real])
            }
            let rows = try Row.fetchAll(db, sql: "SELECT text, blob, integer, real, typeof(text), typeof(blob) FROM bound ORDER BY id")
            for pair in stride(from: 0, to: rows.count, by: 2) {
                #expect(rows[pair] == rows[pair + 1], "case \(pair / 2)")
            }
            // Text is bound with its length: a NUL inside is kept (GRDB's binding stops there).
            #expect(try Int.fetchOne(db, sql: "SELECT length(CAST(text AS BLOB)) FROM bound WHERE id = 6") == 10)
        }
    }

    /// Steps' commits do not rewrite the run's row; its event count is counted while it is
    /// open, kept when it closes, and a terminate appends after the last event.
    @Test func eventCountsStayExactOpenAndClosed() async throws {
        let now = Date()
        let store = try await twoClaimedRuns(now: now)
        let event = HistoryEvent(step: 0, kind: .timerFired, name: "sleep", inputDigest: "x", time: now)
        for runID in ["r1", "r2"] {
            for _ in 0..<3 { _ = try store.commit([RunWrite(runID: runID, leaseToken: 1, events: [event])], now: now)[0].get() }
        }
        #expect(try await store.run(id: "r1")?.eventCount == 4)
        #expect(try await store.run(id: "r1")?.status == .running)
        #expect(try await store.listRuns(RunFilter()).map(\.eventCount) == [4, 4])

        var close = RunWrite(runID: "r1", leaseToken: 1, events: [HistoryEvent(kind: .workflowCompleted, time: now)])
        close.close = .init(status: .completed, result: Data("2".utf8))
        let receipt = try store.commit([close], now: now)[0].get()
        #expect(receipt.eventCount == 5)
        #expect(receipt.closedRun?.eventCount == 5)
        #expect(try await store.run(id: "r1")?.eventCount == 5)

        let terminated = try await store.terminate("w2", reason: "test", now: now)
        #expect(terminated.eventCount == 5)
        #expect(try await store.history(runID: "r2").map(\.index) == Array(0..<5))
    }
}

extension Result {
    var failureValue: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
