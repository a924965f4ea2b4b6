import Foundation
import Testing

/// A program from the host (promtool, prometheus, python3) that a test runs for real.
struct ExternalTool {
    let path: String

    /// The executable named `name` on `PATH`, or nil when it is not installed.
    static func find(_ name: String) -> ExternalTool? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return ExternalTool(path: candidate) }
        }
        return nil
    }

    static let promtool = find("promtool")
    static let prometheus = find("prometheus")
    static let python3 = find("python3")

    /// Why a test that needs `name` is skipped; Swift Testing prints it with the skip, so no skip is silent.
    static func missingReason(_ name: String, package: String) -> Comment {
        Comment(rawValue: "\(name) not found on PATH: install the Debian package `\(package)` (make test does)")
    }

    struct Result {
        var status: Int32
        var output: String
        var error: String
    }

    /// Runs the tool to completion with `input` on standard input, waiting off the pool.
    func run(_ arguments: [String], input: Data? = nil) async throws -> Result {
        try await offThePool { try runBlocking(arguments, input: input) }
    }

    /// ``run(_:input:)`` on the calling thread, for what is decided before any test runs.
    func runBlocking(_ arguments: [String], input: Data? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let stdout = Pipe()
        let stderr = Pipe()
        let stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(input) }
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let error = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            output: String(decoding: output, as: UTF8.self),
            error: String(decoding: error, as: UTF8.self))
    }

    /// Starts the tool in the background; the caller terminates it.
    func start(_ arguments: [String], logTo logFile: URL) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logFile)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }
}

/// Runs `body`, which blocks (waits for a process, reads a pipe), on a Dispatch thread: the
/// tests share a 2-thread concurrency pool that a blocked test would take from every other.
func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}
