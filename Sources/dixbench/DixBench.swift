import DixEngine
import Foundation
import GRDB
import Logging

/// End-to-end engine benchmarks: prints a table and writes bench/results/latest.json.
///
/// `DIXBENCH_SCALE=0.1` runs every workload at a tenth of its size (a quick look);
/// `DIXBENCH_ONLY=2,5` runs only those workloads (11 and 12: the two halves of workload 1; 6: the
/// observability ones), and
/// `DIXBENCH_SYNC=FULL` only that synchronous mode (`DIXBENCH_REFERENCE=0` skips the SQLite
/// reference, `DIXBENCH_ROUNDS=9` measures workload 2 and the reference in 9 rounds instead of 5,
/// and `DIXBENCH_REPLAYS=50` replays 50 times instead of 5, for profiling).
@main
struct DixBench {
    static let scale = Double(ProcessInfo.processInfo.environment["DIXBENCH_SCALE"] ?? "1") ?? 1
    static let only = Set((ProcessInfo.processInfo.environment["DIXBENCH_ONLY"] ?? "").split(separator: ",").compactMap { Int($0) })
    static let modes = (ProcessInfo.processInfo.environment["DIXBENCH_SYNC"]).map { [$0.uppercased()] } ?? ["FULL", "NORMAL"]

    static func selected(_ workload: Int) -> Bool { only.isEmpty || only.contains(workload) }

    static func scaled(_ count: Int) -> Int { max(10, Int(Double(count) * scale)) }

    static func main() async throws {
        let arguments = CommandLine.arguments
        if arguments.count == 4 && arguments[1] == "recovery-worker" {
            try await recoveryWorker(database: arguments[2], count: Int(arguments[3]) ?? 1000)
            return
        }
        defer { try? FileManager.default.removeItem(at: scratchRoot) }
        var results: [Measurement] = []
        for synchronous in modes {
            let durable = synchronous == "FULL"
            let reference = ProcessInfo.processInfo.environment["DIXBENCH_REFERENCE"] != "0"
            // Workload 2 is judged against the reference: both are measured in each of several
            // rounds, back to back, so that a ratio compares figures taken under the same disk
            // conditions (this machine's fsync time drifts by a third within a minute).
            var single: [Measurement] = []
            var store: [Measurement] = []
            var steps: [Measurement] = []
            for _ in 0..<(selected(2) ? rounds : 1) {
                if reference {
                    single.append(try singleCommitReference(durable: durable))
                    store.append(try storeCommitsAlone(durable: durable))
                }
                if selected(2) { steps.append(try await sequential(durable: durable, steps: scaled(1_000))) }
            }
            if reference {
                results += [median(single)] + (try otherSQLiteReferences(durable: durable)) + [median(store)]
            }
            if selected(1) || selected(11) { results.append(try await oneAtATime(durable: durable, count: scaled(500))) }
            if selected(1) || selected(12) {
                results.append(try await concurrent(durable: durable, total: scaled(10_000), inFlight: 200))
            }
            if selected(2) {
                var sequential = median(steps)
                if reference {
                    let ratios = zip(steps, single).map { $0.throughput / $1.throughput * 100 }
                    let storeRatios = zip(store, single).map { $0.throughput / $1.throughput * 100 }
                    sequential.detail = String(
                        format: "%.0f %% of the prepared single-row commit rate with %@%@, median of %d rounds (%@); the store's step commit alone reaches %.0f %%",
                        medianValue(ratios), synchronous, durable ? " (goal: at least 80 %)" : "", ratios.count,
                        ratios.map { String(format: "%.0f", $0) }.joined(separator: ", "), medianValue(storeRatios))
                }
                results.append(sequential)
            }
            if selected(3) { results.append(try await queued(durable: durable, count: scaled(10_000))) }
            printTable(results.filter { $0.synchronous == synchronous })
            print("")
        }
        if selected(4) { results.append(try await recovery(count: scaled(1_000))) }
        if selected(5) { results.append(try await replay(steps: scaled(10_000))) }
        if selected(6) { results += try await observabilityWorkloads() }
        printTable(results)
        try FileManager.default.createDirectory(atPath: "bench/results", withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(results).write(to: URL(fileURLWithPath: "bench/results/latest.json"))
        print("\nwrote bench/results/latest.json")
    }

    // MARK: Setup

    /// The directory of this run's databases, removed when the run ends (a full run writes
    /// about 100 MB of them).
    static let scratchRoot = FileManager.default.temporaryDirectory.appendingPathComponent("dixbench-\(UUID().uuidString)")

    /// A new database file in ``scratchRoot``, in a directory of its own.
    static func scratchDatabase() throws -> String {
        let directory = scratchRoot.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("state.db").path
    }

    static var logger: Logger {
        var logger = Logger(label: "dixbench")
        logger.logLevel = .error
        return logger
    }

    static func withWorker<T>(
        database: String, durable: Bool, _ body: (Worker) async throws -> T
    ) async throws -> T {
        let worker = try Worker(
            databasePath: database, registry: BenchRegistry.registry, configuration: WorkerConfiguration(),
            durableCommits: durable, logger: logger)
        let task = Task { try await worker.run() }
        defer { task.cancel() }
        let result = try await body(worker)
        task.cancel()
        _ = await task.result
        return result
    }

    // MARK: Reference: SQLite alone

    /// Commits made before the single-commit reference and workload 2 are timed, so that both
    /// run on a WAL that has been through its first checkpoint, as on a host that has run for
    /// a few minutes. Until then every commit appends to the WAL file and its fsync also writes
    /// the file's new size (both are about a third slower then); afterwards commits overwrite
    /// WAL frames. Without it the reference (3,000 commits) ran mostly in the second state and
    /// workload 2 (1,000 steps) entirely in the first.
    static let walWarmUpCommits = 1_500

    static let singleCommits = "sqlite: single-row commits (prepared)"

    /// How many rounds workload 2 and the reference are measured in (`DIXBENCH_ROUNDS`).
    static let rounds = max(1, Int(ProcessInfo.processInfo.environment["DIXBENCH_ROUNDS"] ?? "5") ?? 5)

    /// The round of median throughput among `rounds`.
    static func median(_ rounds: [Measurement]) -> Measurement {
        rounds.sorted { $0.throughput < $1.throughput }[rounds.count / 2]
    }

    static func medianValue(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    /// A fresh database with table `t` in the given synchronous mode.
    static func referenceDatabase(durable: Bool) throws -> DatabasePool {
        let pool = try DatabasePool(path: try scratchDatabase())
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = \(durable ? "FULL" : "NORMAL")")
            try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB)")
        }
        return pool
    }

    static let referencePayload = Data(repeating: 7, count: 64)

    /// SQLite's ceiling: single-row commits, BEGIN, INSERT and COMMIT each prepared once, as
    /// the engine's step commits are (parsing them each time costs a tenth of a commit with
    /// NORMAL), after the WAL's warm-up.
    static func singleCommitReference(durable: Bool) throws -> Measurement {
        let pool = try referenceDatabase(durable: durable)
        func commitOne() throws {
            try pool.writeWithoutTransaction { db in
                try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
                let insert = RawStatement(try db.cachedStatement(sql: "INSERT INTO t (payload) VALUES (?)"))
                insert.bind(referencePayload, at: 1)
                try insert.execute(db)
                try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
            }
        }
        for _ in 0..<walWarmUpCommits { try commitOne() }
        let commits = scaled(3_000)
        let seconds = try blockingTimed {
            for _ in 0..<commits { try commitOne() }
        }
        return Measurement(workload: singleCommits, synchronous: durable ? "FULL" : "NORMAL", count: commits, unit: "commits", seconds: seconds)
    }

    /// Single-row commits through GRDB's plain `write`, which parses BEGIN, the INSERT and
    /// COMMIT each time (what earlier runs of dixbench took as the reference), and rows in
    /// 1,000-row commits.
    static func otherSQLiteReferences(durable: Bool) throws -> [Measurement] {
        let pool = try referenceDatabase(durable: durable)
        let mode = durable ? "FULL" : "NORMAL"
        let payload = referencePayload
        for _ in 0..<walWarmUpCommits {
            try pool.write { db in try db.execute(sql: "INSERT INTO t (payload) VALUES (?)", arguments: [payload]) }
        }
        let commits = scaled(3_000)
        let parsed = try blockingTimed {
            for _ in 0..<commits {
                try pool.write { db in try db.execute(sql: "INSERT INTO t (payload) VALUES (?)", arguments: [payload]) }
            }
        }
        let rows = scaled(200_000)
        let batched = try blockingTimed {
            for _ in 0..<(rows / 1_000) {
                try pool.write { db in
                    let statement = try db.cachedStatement(sql: "INSERT INTO t (payload) VALUES (?)")
                    for _ in 0..<1_000 { try statement.execute(arguments: [payload]) }
                }
            }
        }
        return [
            Measurement(
                workload: "sqlite: single-row commits, statements parsed", synchronous: mode, count: commits, unit: "commits",
                seconds: parsed),
            Measurement(workload: "sqlite: rows in 1000-row commits", synchronous: mode, count: rows, unit: "rows", seconds: batched),
        ]
    }

    static func blockingTimed(_ body: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try body()
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// How many runs of the database at `path` completed (a cheap count for polling).
    static func completedCount(_ path: String) async throws -> Int {
        try await DatabaseQueue(path: path).read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runs WHERE status = 'completed'") ?? 0
        }
    }

    // MARK: Workloads

    static func oneAtATime(durable: Bool, count: Int) async throws -> Measurement {
        try await withWorker(database: try scratchDatabase(), durable: durable) { worker in
            var latencies: [Double] = []
            let seconds = try await timed {
                for index in 0..<count {
                    let start = ContinuousClock.now
                    _ = try await worker.execute(OneStep.self, input: index)
                    latencies.append(DixBench.seconds(since: start))
                }
            }
            return Measurement(
                workload: "1. one-activity workflows, 1 at a time", synchronous: durable ? "FULL" : "NORMAL", count: count,
                unit: "workflows", seconds: seconds, latencies: latencies)
        }
    }

    static func concurrent(durable: Bool, total: Int, inFlight: Int) async throws -> Measurement {
        try await withWorker(database: try scratchDatabase(), durable: durable) { worker in
            let perLane = total / inFlight
            var latencies: [Double] = []
            let seconds = try await timed {
                latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
                    for lane in 0..<inFlight {
                        group.addTask {
                            var lane_latencies: [Double] = []
                            for index in 0..<perLane {
                                let start = ContinuousClock.now
                                _ = try await worker.execute(OneStep.self, input: lane * perLane + index)
                                lane_latencies.append(DixBench.seconds(since: start))
                            }
                            return lane_latencies
                        }
                    }
                    return try await group.reduce(into: []) { $0 += $1 }
                }
            }
            return Measurement(
                workload: "1. one-activity workflows, \(inFlight) concurrent", synchronous: durable ? "FULL" : "NORMAL",
                count: perLane * inFlight, unit: "workflows", seconds: seconds, latencies: latencies)
        }
    }

    static func sequential(durable: Bool, steps: Int) async throws -> Measurement {
        let database = try scratchDatabase()
        return try await withWorker(database: database, durable: durable) { worker in
            _ = try await worker.execute(ManySteps.self, input: walWarmUpCommits, id: "warm-up")
            let seconds = try await timed {
                _ = try await worker.execute(ManySteps.self, input: steps, id: "many")
            }
            let client = try WorkflowClient(databasePath: database, registry: BenchRegistry.registry)
            // A step's latency: from its scheduling to the next one's, which comes right after
            // the step's commit is durable (the events' times are in whole milliseconds; the
            // scheduling times are not).
            let times = try await client.export("many").events.filter { $0.kind == .activityCompleted }.compactMap(\.detail?.scheduledAt)
            let gaps = zip(times.dropFirst(), times).map { $0.timeIntervalSince($1) }
            return Measurement(
                workload: "2. sequential activities in one workflow", synchronous: durable ? "FULL" : "NORMAL", count: steps,
                unit: "steps", seconds: seconds, latencies: gaps)
        }
    }

    static func queued(durable: Bool, count: Int) async throws -> Measurement {
        let database = try scratchDatabase()
        let client = try WorkflowClient(databasePath: database, registry: BenchRegistry.registry)
        for index in 0..<count {
            _ = try await client.start(type: OneStep.name, input: Data("\(index)".utf8))
        }
        return try await withWorker(database: database, durable: durable) { worker in
            let seconds = try await timed {
                while try await completedCount(database) < count {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            let runs = try await client.list(RunFilter(status: .completed, limit: count))
            let latencies = runs.compactMap { run in run.closedAt.map { $0.timeIntervalSince(run.startedAt ?? run.createdAt) } }
            return Measurement(
                workload: "3. queued like dixctl, drained by one worker", synchronous: durable ? "FULL" : "NORMAL", count: count,
                unit: "workflows", seconds: seconds, latencies: latencies)
        }
    }

    /// 1,000 runs parked mid-flight in a child worker, which is killed with SIGKILL; the time
    /// from starting a new worker until every run completed.
    static func recovery(count: Int) async throws -> Measurement {
        let database = try scratchDatabase()
        let child = Process()
        child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        child.arguments = ["recovery-worker", database, "\(count)"]
        let output = Pipe()
        child.standardOutput = output
        try child.run()
        var ready = ""
        while !ready.contains("ready") {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { throw EngineError(.storage, "recovery worker exited before it was ready") }
            ready += String(decoding: data, as: UTF8.self)
        }
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        let client = try WorkflowClient(databasePath: database, registry: BenchRegistry.registry)
        for index in 0..<count {
            try await client.signal("parked-\(index)", name: "go", payload: Data("1".utf8))
        }
        return try await withWorker(database: database, durable: true) { _ in
            let seconds = try await timed {
                while try await completedCount(database) < count {
                    try await Task.sleep(for: .milliseconds(5))
                }
            }
            return Measurement(
                workload: "4. recovery after SIGKILL, runs in flight", synchronous: "FULL", count: count, unit: "runs",
                seconds: seconds)
        }
    }

    static func recoveryWorker(database: String, count: Int) async throws {
        try await withWorker(database: database, durable: true) { worker in
            for index in 0..<count {
                try await worker.start(Parked.self, input: index, id: "parked-\(index)")
            }
            let store = try DatabaseQueue(path: database)
            while try await store.read({ db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events WHERE kind = 'signal_wait_started'") ?? 0
            }) < count {
                try await Task.sleep(for: .milliseconds(20))
            }
            print("ready")
            fflush(nil)
            try await Task.sleep(for: .seconds(3600))
        }
    }

    static func replay(steps: Int) async throws -> Measurement {
        let database = try scratchDatabase()
        let exported = try await withWorker(database: database, durable: false) { worker in
            _ = try await worker.execute(ManySteps.self, input: steps, id: "long")
            return try await WorkflowClient(databasePath: database, registry: BenchRegistry.registry).export("long")
        }
        let replayer = Replayer(registry: BenchRegistry.registry, logger: logger)
        var durations: [Double] = []
        let repeats = Int(ProcessInfo.processInfo.environment["DIXBENCH_REPLAYS"] ?? "5") ?? 5
        for _ in 0..<max(1, repeats) {
            durations.append(try await timed {
                let report = try await replayer.replay(exported: exported)
                guard case .ok = report.result else { throw EngineError(.storage, "replay failed: \(report.result)") }
            })
        }
        let median = medianValue(durations)
        return Measurement(
            workload: "5. replay of a \(exported.events.count)-event history", synchronous: "-", count: exported.events.count,
            unit: "events", seconds: median)
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
