import Foundation
import Testing

/// `dixctl workflow export` then `replay --history`: a history taken from one host replays
/// anywhere, and a bad file or type is refused with exit 2.
@Suite(.serialized) struct ReplayCommandTests {
    @Test func exportedHistoryReplaysFromAFile() async throws {
        let scratch = try Scratch()
        let worker = try WorkerProcess(scratch)
        _ = try await startDemo(scratch, id: "to-export", input: ["activitySeconds": 0, "sleepSeconds": 0, "waitForApproval": false])
        let done = try await dixctl(["workflow", "result", "to-export", "--wait"], database: scratch.database)
        #expect(done.status == 0, "\(done.error)")

        let exported = try await dixctl(["workflow", "export", "to-export"], database: scratch.database)
        #expect(exported.status == 0)
        let file = scratch.directory.appendingPathComponent("history.json").path
        try exported.output.write(toFile: file, atomically: true, encoding: .utf8)

        // Another database that has never seen the run: only the file matters.
        let elsewhere = scratch.directory.appendingPathComponent("elsewhere.db").path
        let replay = try await dixctl(["workflow", "replay", "--history", file, "--json"], database: elsewhere)
        #expect(replay.status == 0, "\(replay.error)")
        #expect(replay.output.contains("\"closedAs\" : \"completed\""))
        let typed = try await dixctl(["workflow", "replay", "--history", file, "--type", "demo"], database: elsewhere)
        #expect(typed.status == 0 && typed.output.contains("replay ok (closed as completed)"), "\(typed.output)")

        let unknownType = try await dixctl(["workflow", "replay", "--history", file, "--type", "nope"], database: elsewhere)
        #expect(unknownType.status == 2 && unknownType.error.contains("unknown workflow type 'nope'"))
        try "{\"not\": \"a history\"}".write(toFile: file, atomically: true, encoding: .utf8)
        let garbage = try await dixctl(["workflow", "replay", "--history", file], database: elsewhere)
        #expect(garbage.status == 2 && garbage.error.contains("is not an exported history"))
        await worker.terminate()
    }
}
