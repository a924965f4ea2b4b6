import Foundation

/// A step a workflow asked for, as the driver sees it.
struct StepCommand: Sendable {
    var step: Int
    var kind: StepKind
    var name: String
    var input: Data?
    var digest: String
    /// An activity's options; nil for the defaults, as its events record them.
    @OutOfLine var options: ActivityOptions? = nil
    var duration: Duration?
    @OutOfLine var child: NewRun? = nil
    var target: String?

    var descriptor: StepDescriptor {
        StepDescriptor(kind: kind, name: name, inputDigest: digest, input: input.map { String(decoding: $0, as: UTF8.self) })
    }
}

/// One line of a replay report: a step the code issued and what the history recorded for it.
public struct ReplayStep: Sendable, Codable, Hashable {
    public var index: Int
    public var kind: StepKind
    public var name: String
    public var inputDigest: String
    /// `completed`, `failed`, `pending` or `value` (side effects), from the history.
    public var outcome: String
    /// The recorded result or error, shortened.
    public var detail: String?
}

/// Why the driver stopped driving a run before it closed.
struct RunAbandoned: Error, CustomStringConvertible {
    let reason: String
    var description: String { "run abandoned by this worker: \(reason)" }
}
