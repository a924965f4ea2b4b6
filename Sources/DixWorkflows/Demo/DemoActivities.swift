import DixEngine
import Foundation

/// Greets someone after working for a while; fails its first attempts when asked to.
public struct DemoGreet: Activity {
    public static let name = "demo.greet"

    public struct Input: Codable, Sendable {
        var name: String
        var seconds: Double
        var failFirstAttempts: Int
        var journal: String?
    }

    /// The failure the demo's first attempts throw, to show retries.
    public struct DemoFailure: Error, CustomStringConvertible {
        public let attempt: Int
        public var description: String { "demo failure on attempt \(attempt)" }
    }

    public init() {}

    public func run(_ input: Input, context: ActivityContext) async throws -> String {
        DemoJournal.append(input.journal, "greet \(context.runID) attempt \(context.attempt) start")
        try await Task.sleep(for: .seconds(input.seconds))
        if context.attempt <= input.failFirstAttempts {
            DemoJournal.append(input.journal, "greet \(context.runID) attempt \(context.attempt) failed")
            throw DemoFailure(attempt: context.attempt)
        }
        DemoJournal.append(input.journal, "greet \(context.runID) attempt \(context.attempt) done")
        return "hello, \(input.name)"
    }
}

/// Sums up what the demo did.
public struct DemoFinish: Activity {
    public static let name = "demo.finish"

    public struct Input: Codable, Sendable {
        var greeting: String
        var approvedBy: String?
        var seconds: Double
        var journal: String?
    }

    public init() {}

    public func run(_ input: Input, context: ActivityContext) async throws -> String {
        DemoJournal.append(input.journal, "finish \(context.runID) attempt \(context.attempt) start")
        try await Task.sleep(for: .seconds(input.seconds))
        DemoJournal.append(input.journal, "finish \(context.runID) attempt \(context.attempt) done")
        return "\(input.greeting); approved by \(input.approvedBy ?? "nobody (timed out)")"
    }
}

/// Appends lines to the demo's journal file (O_APPEND, so concurrent writers interleave whole lines).
enum DemoJournal {
    static func append(_ path: String?, _ line: String) {
        guard let path else { return }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let bytes = Array((line + " pid \(getpid())\n").utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
}
