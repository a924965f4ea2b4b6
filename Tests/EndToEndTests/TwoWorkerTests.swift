import Foundation
import Testing

/// Two dixmgr processes on one database: every step runs once, never on both at the same time.
@Suite(.serialized) struct TwoWorkerTests {
    @Test func twoWorkersShareRunsWithoutRunningAStepTwice() async throws {
        // Each worker drives at most 10 runs at once, so 30 runs need both.
        let scratch = try Scratch(maximumConcurrentRuns: 10)
        let first = try WorkerProcess(scratch, name: "first")
        let second = try WorkerProcess(scratch, name: "second")
        var runs: [String] = []
        for index in 0..<30 {
            runs.append(try await startDemo(
                scratch, id: "shared-\(index)", input: ["activitySeconds": 0.1, "sleepSeconds": 0.2, "waitForApproval": false]))
        }
        for index in 0..<30 {
            let result = try await dixctl(["workflow", "result", "shared-\(index)", "--wait"], database: scratch.database)
            #expect(result.status == 0, "shared-\(index): \(result.error)")
        }
        let lines = scratch.journalLines
        var pids: Set<String> = []
        for run in runs {
            for activity in ["greet", "finish"] {
                let starts = lines.filter { $0.hasPrefix("\(activity) \(run) attempt 1 start") }
                let dones = lines.filter { $0.hasPrefix("\(activity) \(run) attempt 1 done") }
                #expect(starts.count == 1 && dones.count == 1, "\(activity) of \(run): \(starts) \(dones)")
                pids.formUnion(starts.compactMap { $0.components(separatedBy: " pid ").last })
            }
        }
        #expect(pids.count == 2, "both workers should have taken runs, saw pids \(pids)")
        await first.terminate()
        await second.terminate()
    }
}
