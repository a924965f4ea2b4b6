@testable import DixHost
import DixEngine
import Foundation
import Testing

/// `dixctl workflow show`'s line on who drives an open run, for runs from a real store.
@Suite struct RunViewsTests {
    @Test func theWorkerLineTellsWhatBecomesOfTheRun() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dixviews-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("state.db").path)
        let now = Date()
        _ = try await store.startRun(NewRun(runID: "owned", workflowID: "owned", workflowType: "t", input: Data("1".utf8)), now: now)
        let owned = try #require(try await store.claim(owner: "host-7-abc", limit: 1, leaseUntil: now.addingTimeInterval(60), now: now).first)
        #expect(owned.runID == "owned")
        let waiting = try await store.startRun(NewRun(runID: "waiting", workflowID: "waiting", workflowType: "t", input: Data("1".utf8)), now: now)
        #expect(Render.worker(of: waiting, nil) == "none: the run waits for a worker (is dixmgr running on this database?)")

        #expect(Render.worker(of: owned, .running) == "host-7-abc (running)")
        let until = Render.time(owned.leaseExpiresAt)
        #expect(
            Render.worker(of: owned, .gone)
                == "host-7-abc (gone: the next worker to start takes the run over, or any worker once its lease ends \(until))")
        #expect(Render.worker(of: owned, .unknown) == "host-7-abc (its lease ends \(until); taken over then if the worker is gone)")

        // Taken over (its lease set to 0) and not claimed yet.
        _ = try await store.expireLeases(owner: "host-7-abc")
        let expired = try #require(try await store.run(id: "owned"))
        #expect(expired.owner == "host-7-abc")
        #expect(Render.worker(of: expired, .gone) == "host-7-abc (gone: the next worker to claim runs takes it over)")
        #expect(Render.worker(of: expired, .unknown) == "host-7-abc (its lease has ended: the next worker to claim runs takes it over)")
    }
}
