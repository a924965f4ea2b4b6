import DixEngine
import Foundation

extension DixBench {
    static let storeCommits = "store: one step's commit, alone"

    /// The engine's commit of one step (an activity's completion event, fenced by the run's
    /// lease) in a loop, without the engine around it: what workload 2 would reach if running
    /// the workflow code and the activity cost nothing. Between the reference and workload 2,
    /// it tells the store's share of the gap from the rest of the engine's.
    static func storeCommitsAlone(durable: Bool) throws -> Measurement {
        let store = try SQLiteStore(path: try scratchDatabase(), synchronous: durable ? .full : .normal)
        // Owned as an in-process start is: lease token 1.
        let run = NewRun(
            workflowID: "many", workflowType: ManySteps.name, input: Data("1".utf8), owner: "dixbench",
            leaseExpiresAt: Date().addingTimeInterval(3600))
        var create = RunWrite(runID: run.runID, leaseToken: 1)
        create.create = run
        _ = try store.commit([create], now: Date())[0].get()
        // Digests are the workflow side's work, not the store's: one, of the size they all have.
        let digest = PayloadCodec.digest(Data("1".utf8))
        var step = 0
        func commitStep() throws {
            let event = HistoryEvent(
                step: step, kind: .activityCompleted, name: Noop.name, attempt: 1, inputDigest: digest,
                input: Data("\(step)".utf8), output: Data("\(step)".utf8), detail: EventDetail(options: nil, scheduledAt: Date()),
                time: Date())
            step += 1
            _ = try store.commit([RunWrite(runID: run.runID, leaseToken: 1, events: [event])], now: Date())[0].get()
        }
        for _ in 0..<walWarmUpCommits { try commitStep() }
        let commits = scaled(3_000)
        let seconds = try blockingTimed {
            for _ in 0..<commits { try commitStep() }
        }
        return Measurement(
            workload: storeCommits, synchronous: durable ? "FULL" : "NORMAL", count: commits, unit: "commits", seconds: seconds)
    }
}
