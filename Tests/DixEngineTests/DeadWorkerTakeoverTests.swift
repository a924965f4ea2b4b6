@testable import DixEngine
import Foundation
import GRDB
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A worker takes over at once the runs of workers whose process is gone, and only theirs:
/// liveness is the worker's lock on its file beside the database (``WorkerLivenessLock``),
/// not its pid, which means nothing seen from another pid namespace.
@Suite struct DeadWorkerTakeoverTests {
    /// Another process holding a worker's liveness lock, as that worker would: util-linux's
    /// `flock`, which locks the file and becomes `cat` (reading a pipe, so that it also ends
    /// with the test process).
    final class LockHolder {
        let process = Process()
        private let input = Pipe()

        init(databasePath: String, workerID: String) async throws {
            try FileManager.default.createDirectory(
                atPath: WorkerLivenessLock.directory(forDatabase: databasePath), withIntermediateDirectories: true)
            let file = WorkerLivenessLock.file(of: workerID, databasePath: databasePath)
            process.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
            process.arguments = ["--no-fork", file, "cat"]
            process.standardInput = input
            try process.run()
            // Held once this process can no longer take the lock itself.
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                let descriptor = open(file, O_RDONLY | O_CLOEXEC)
                if descriptor >= 0 {
                    defer { close(descriptor) }
                    if flock(descriptor, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK { return }
                }
                try await Task.sleep(for: .milliseconds(10))
            }
            kill()
            throw EngineError(.storage, "flock did not lock \(file) within 10 s")
        }

        /// Ends the holder as a crash would: SIGKILL.
        func kill() {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        deinit {
            if process.isRunning { kill() }
        }
    }

    /// A worker ID as a dixmgr on this host would have, with a pid that does not exist here (as
    /// one from another pid namespace): the pid test this replaces took such a worker for dead.
    static func foreignWorkerID() -> String {
        "\(ProcessInfo.processInfo.hostName)-\(Int32.max - 7)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// A run of one step, claimed by `owner` with a lease that lasts an hour.
    static func claimedRun(_ store: SQLiteStore, owner: String) async throws -> String {
        let id = "owned-by-\(owner)"
        _ = try await store.startRun(NewRun(runID: id, workflowID: id, workflowType: SequenceWorkflow.name, input: Data("1".utf8)), now: Date())
        let claimed = try await store.claim(owner: owner, limit: 1, leaseUntil: Date().addingTimeInterval(3600), now: Date())
        #expect(claimed.map(\.runID) == [id])
        return id
    }

    @Test(.timeLimit(.minutes(1))) func aKilledWorkersRunsAreTakenOverAtOnceAndALiveOnesAreLeftAlone() async throws {
        let path = try StoreTests().path()
        let store = try SQLiteStore(path: path)
        let (deadID, liveID) = (Self.foreignWorkerID(), Self.foreignWorkerID())
        let deadRun = try await Self.claimedRun(store, owner: deadID)
        let liveRun = try await Self.claimedRun(store, owner: liveID)
        let dead = try await LockHolder(databasePath: path, workerID: deadID)
        let live = try await LockHolder(databasePath: path, workerID: liveID)
        dead.kill()

        let harness = try EngineHarness(directory: URL(fileURLWithPath: path).deletingLastPathComponent())
        // Taken over long before the hour's lease ends (the test's time limit).
        let closed = try await harness.worker.waitForClose(runID: deadRun)
        #expect(closed.status == .completed)
        let kept = try #require(try await store.run(id: liveRun))
        #expect(kept.owner == liveID && kept.status.isOpen && kept.leaseToken == 1)
        #expect(live.process.isRunning)
        // The dead worker's file went with its runs; the live one's stays.
        let files = try FileManager.default.contentsOfDirectory(atPath: WorkerLivenessLock.directory(forDatabase: path))
        #expect(Set(files) == [WorkerLivenessLock.fileName(for: liveID), WorkerLivenessLock.fileName(for: harness.worker.configuration.workerID)])
        await harness.stop()
        // A worker that stops gracefully leaves no file behind.
        let left = try FileManager.default.contentsOfDirectory(atPath: WorkerLivenessLock.directory(forDatabase: path))
        #expect(left == [WorkerLivenessLock.fileName(for: liveID)])
    }

    @Test func aRunsDescriptionTellsWhetherItsWorkerRuns() async throws {
        let path = try StoreTests().path()
        let store = try SQLiteStore(path: path)
        let client = try WorkflowClient(databasePath: path, registry: TestWorkflows.registry)
        let (running, gone, unknown) = (Self.foreignWorkerID(), Self.foreignWorkerID(), Self.foreignWorkerID())
        for owner in [running, gone, unknown] { _ = try await Self.claimedRun(store, owner: owner) }
        let holder = try await LockHolder(databasePath: path, workerID: running)
        try await LockHolder(databasePath: path, workerID: gone).kill()
        #expect(try await client.describe("owned-by-\(running)").ownerLiveness == .running)
        #expect(try await client.describe("owned-by-\(gone)").ownerLiveness == .gone)
        #expect(try await client.describe("owned-by-\(unknown)").ownerLiveness == .unknown)
        // A run no worker claimed yet has no owner to tell of.
        let waiting = try await client.start(type: SequenceWorkflow.name, input: Data("1".utf8), id: "unclaimed")
        #expect(try await client.describe(waiting.runID).ownerLiveness == nil)
        holder.kill()
        #expect(try await client.describe("owned-by-\(running)").ownerLiveness == .gone)
    }

    @Test func aSecondWorkerWithALiveWorkersIDIsRefused() async throws {
        let first = try EngineHarness()
        let taken = first.worker.configuration.workerID
        let started = try await first.worker.start(SequenceWorkflow.self, input: 1)
        #expect(try await first.worker.waitForClose(runID: started.runID).status == .completed)
        let second = try Worker(
            databasePath: first.path, registry: TestWorkflows.registry, configuration: WorkerConfiguration(workerID: taken))
        await #expect {
            try await second.run()
        } throws: { error in
            "\(error)".contains("another live worker uses the ID \(taken)")
        }
        await first.stop()
    }

    /// A worker restarting with a dead one's ID renames its locked file over the dead one's: a
    /// worker that found the old file unlocked must not take the new one for dead.
    @Test func aDeadWorkersFileReplacedByARestartedOneIsLeftAlone() async throws {
        let path = try StoreTests().path()
        let id = Self.foreignWorkerID()
        try await LockHolder(databasePath: path, workerID: id).kill()
        let found = WorkerLivenessLock.deadWorkers(databasePath: path, except: "me")
        #expect(found.map(\.workerID) == [id])
        let dead = try #require(found.first)
        #expect(dead.isStillThere)
        // The restarted worker's file, locked, takes the name.
        let file = WorkerLivenessLock.file(of: id, databasePath: path)
        let restarted = try await LockHolder(databasePath: path + "-elsewhere", workerID: id)
        let restartedFile = WorkerLivenessLock.file(of: id, databasePath: path + "-elsewhere")
        #expect(rename(restartedFile, file) == 0)
        #expect(!dead.isStillThere)
        dead.forget()
        #expect(FileManager.default.fileExists(atPath: file))
        #expect(WorkerLivenessLock.liveness(of: id, databasePath: path) == .running)
        #expect(WorkerLivenessLock.deadWorkers(databasePath: path, except: "me").isEmpty)
        restarted.kill()
    }

    /// A newer version may upgrade the file between a worker's opening it and its taking its
    /// lock: the worker then refuses to run on a schema it does not know.
    @Test(.timeLimit(.minutes(1))) func aWorkerDoesNotRunOnASchemaUpgradedSinceItOpenedTheFile() async throws {
        let path = try StoreTests().path()
        let worker = try Worker(databasePath: path, registry: TestWorkflows.registry)
        let queue = try DatabaseQueue(path: path)
        try await queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')") }
        await #expect {
            try await worker.run()
        } throws: { error in
            "\(error)".contains("was written by a newer dixmgr (schema migration 'v99-from-the-future'")
        }
        #expect(WorkerLivenessLock.runningWorkers(databasePath: path).isEmpty)
    }

    @Test func workerIDsBecomeFileNamesInsideTheDirectory() {
        for id in ["host-12-ab12cd34", "a/../../etc/passwd", "..", ".hidden", "spaces and ünïcödé", "100%"] {
            let name = WorkerLivenessLock.fileName(for: id)
            #expect(!name.contains("/") && !name.hasPrefix("."), "\(id) -> \(name)")
            #expect(WorkerLivenessLock.workerID(fromFileName: name) == id)
        }
        #expect(WorkerLivenessLock.fileName(for: "host-12-ab12cd34") == "host-12-ab12cd34")
    }
}
