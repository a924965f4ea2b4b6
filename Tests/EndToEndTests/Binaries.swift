import Foundation
import Testing

/// The real dixmgr and dixctl binaries, built next to this test bundle.
enum Binaries {
    static let directory: URL = {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent()
    }()
    static var dixmgr: String { directory.appendingPathComponent("dixmgr").path }
    static var dixctl: String { directory.appendingPathComponent("dixctl").path }
}

/// A scratch directory with a database, a config with short leases, and a journal file.
struct Scratch {
    let directory: URL
    var database: String { directory.appendingPathComponent("state.db").path }
    var journal: String { directory.appendingPathComponent("journal.log").path }
    var config: String { directory.appendingPathComponent("dixmgr.toml").path }

    init(maximumConcurrentRuns: Int = 10_000) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("dixmgr-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try """
            [engine]
            lease_seconds = 1
            shutdown_grace_seconds = 1
            maximum_concurrent_runs = \(maximumConcurrentRuns)

            [log]
            level = "warning"
            """.write(toFile: config, atomically: true, encoding: .utf8)
    }

    var journalLines: [String] {
        ((try? String(contentsOfFile: journal, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Journal lines of run `runID` whose text (before " pid") is exactly `entry`.
    func count(_ entry: String) -> Int {
        journalLines.filter { $0.components(separatedBy: " pid ").first == entry }.count
    }
}

/// A running dixmgr process.
final class WorkerProcess: @unchecked Sendable {
    // @unchecked: the Process is only touched from the test that owns it.
    let process = Process()

    init(_ scratch: Scratch, name: String = "worker") throws {
        process.executableURL = URL(fileURLWithPath: Binaries.dixmgr)
        process.arguments = ["--conf", scratch.config, "--db", scratch.database, "--no-metrics"]
        let log = scratch.directory.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(4)).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    /// A test that fails midway must not leave its worker running.
    deinit {
        if process.isRunning { kill() }
    }

    func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGKILL, waited for off the concurrency pool.
    func kill() async {
        await offThePool { self.kill() }
    }

    /// SIGTERM, waited for off the concurrency pool (a graceful shutdown takes a moment).
    func terminate() async {
        await offThePool {
            self.process.terminate()
            self.process.waitUntilExit()
        }
    }
}

/// Runs `body`, which blocks (waits for a process, reads a pipe), on a Dispatch thread: the
/// tests share a 2-thread concurrency pool that a blocked test would take from every other.
func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}

func offThePool(_ body: @escaping @Sendable () -> Void) async {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async {
            body()
            continuation.resume()
        }
    }
}

/// Runs dixctl and returns its exit status, standard output and standard error.
@discardableResult
func dixctl(_ arguments: [String], database: String) async throws -> (status: Int32, output: String, error: String) {
    try await offThePool { try runDixctl(arguments, database: database) }
}

private func runDixctl(_ arguments: [String], database: String) throws -> (status: Int32, output: String, error: String) {
    try runBinary(Binaries.dixctl, arguments + ["--db", database])
}

/// Runs `binary` to its end and returns its exit status, standard output and standard error
/// (blocking: see ``offThePool(_:)``).
func runBinary(_ binary: String, _ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    let errData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}

/// Starts a demo run through dixctl and returns its run ID.
func startDemo(_ scratch: Scratch, id: String, input: [String: any Sendable]) async throws -> String {
    var input = input
    input["journal"] = scratch.journal
    let json = String(decoding: try JSONSerialization.data(withJSONObject: input), as: UTF8.self)
    let result = try await dixctl(["workflow", "start", "demo", "--id", id, "--input", json, "--json"], database: scratch.database)
    #expect(result.status == 0, "start failed: \(result.error)")
    let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: String]
    return object?["runID"] ?? ""
}

/// Polls `condition` every 50 ms until it holds or `seconds` pass.
func eventually(_ seconds: Double = 20, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return false
}
