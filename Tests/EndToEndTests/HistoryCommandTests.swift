import Foundation
import Testing

/// `dixctl history` against the health history a real dixmgr created.
@Suite(.serialized) struct HistoryCommandTests {
    @Test func historyCommandsReadWhatDixmgrCreatedAndRejectBadRanges() async throws {
        let scratch = try Scratch()
        let missing = try await dixctl(["history", "uptime", "node"], database: scratch.database)
        #expect(missing.status == 2)
        #expect(missing.error.hasPrefix("error: ") && missing.error.contains("no health history database"))

        let worker = try WorkerProcess(scratch)
        let history = scratch.directory.appendingPathComponent("health-history.db").path
        #expect(try await eventually(10) { FileManager.default.fileExists(atPath: history) })

        let uptime = try await dixctl(["history", "uptime", "node", "--since", "2d", "--json"], database: scratch.database)
        #expect(uptime.status == 0, "\(uptime.error)")
        let object = try JSONSerialization.jsonObject(with: Data(uptime.output.utf8)) as? [String: Any]
        #expect(object?["service"] as? String == "node")
        #expect(object?["uptimePercent"] == nil, "no uptime for a service never checked")
        #expect(object?["note"] as? String == "no health events of node")

        let events = try await dixctl(["history", "events", "node"], database: scratch.database)
        #expect(events.status == 0 && events.output.contains("no health events of node"))

        let bad = try await dixctl(["history", "downtime", "node", "--since", "yesterday-ish"], database: scratch.database)
        #expect(bad.status == 2)
        #expect(bad.error.contains("--since"))
        await worker.terminate()
    }
}
