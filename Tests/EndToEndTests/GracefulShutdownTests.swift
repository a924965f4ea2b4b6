import Foundation
import Testing

/// SIGTERM: the in-flight activity finishes within the grace period, the worker exits 0 and
/// releases its leases, and the next worker goes on at once.
@Suite(.serialized) struct GracefulShutdownTests {
    @Test func sigtermLetsTheActivityFinishAndReleasesTheLease() async throws {
        let scratch = try Scratch()
        try """
            [engine]
            lease_seconds = 60
            shutdown_grace_seconds = 5

            [log]
            level = "warning"
            """.write(toFile: scratch.config, atomically: true, encoding: .utf8)
        let worker = try WorkerProcess(scratch)
        let run = try await startDemo(scratch, id: "graceful", input: ["activitySeconds": 4, "sleepSeconds": 0, "waitForApproval": false])
        #expect(try await eventually { scratch.count("greet \(run) attempt 1 start") == 1 })
        await worker.terminate()
        #expect(worker.process.terminationStatus == 0)
        // The activity in flight was allowed to finish, and was recorded: it does not run again.
        #expect(scratch.count("greet \(run) attempt 1 done") == 1)
        // The lease was released: the run has no owner until the next worker claims it.
        let shown = try await dixctl(["workflow", "show", "graceful", "--json"], database: scratch.database)
        let object = try JSONSerialization.jsonObject(with: Data(shown.output.utf8)) as? [String: Any]
        let runObject = object?["run"] as? [String: Any]
        #expect(runObject?["status"] as? String == "running")
        #expect(runObject?["owner"] == nil, "owner after SIGTERM: \(String(describing: runObject?["owner"]))")
        let next = try WorkerProcess(scratch, name: "next")
        let started = Date()
        let result = try await dixctl(["workflow", "result", "graceful", "--wait"], database: scratch.database)
        #expect(result.status == 0, "\(result.error)")
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(scratch.count("greet \(run) attempt 1 start") == 1)
        #expect(scratch.count("finish \(run) attempt 1 done") == 1)
        await next.terminate()
    }
}
