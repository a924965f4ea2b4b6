import Foundation

/// The workflow and activity types a worker can run, and dixctl can validate input for.
///
/// ```swift
/// var registry = WorkflowRegistry()
/// registry.register(Hello.self)
/// registry.register(Greet(), maximumConcurrent: 4)
/// ```
public struct WorkflowRegistry: Sendable {
    struct WorkflowEntry: Sendable {
        let name: String
        let retention: Duration?
        let validate: @Sendable (Data) throws -> Void
        let run: @Sendable (Data, WorkflowContext) async throws -> Data
    }

    struct ActivityEntry: Sendable {
        let name: String
        let maximumConcurrent: Int?
        let activity: any Activity

        /// One attempt, from encoded input to encoded output, on the caller's executor (no hop
        /// on entry: an activity run in the workflow code's job stays there until it suspends).
        nonisolated(nonsending) func run(_ input: Data, _ context: ActivityContext) async throws -> Data {
            try await activity.runEncoded(input, context)
        }
    }

    private(set) var workflows: [String: WorkflowEntry] = [:]
    private(set) var activities: [String: ActivityEntry] = [:]

    public init() {}

    /// Registers a workflow type under its ``Workflow/name``.
    public mutating func register<W: Workflow>(_ type: W.Type) {
        workflows[W.name] = WorkflowEntry(
            name: W.name, retention: W.retention,
            validate: { data in _ = try PayloadCodec.decode(W.Input.self, from: data) },
            run: { data, context in
                let input = try PayloadCodec.decode(W.Input.self, from: data)
                let output = try await W().run(input, context: context)
                return try PayloadCodec.encode(output)
            })
    }

    /// Registers an activity; at most `maximumConcurrent` of its attempts run at once in a worker.
    public mutating func register<A: Activity>(_ activity: A, maximumConcurrent: Int? = nil) {
        activities[A.name] = ActivityEntry(name: A.name, maximumConcurrent: maximumConcurrent, activity: activity)
    }

    /// The registered workflow type names, sorted.
    public var workflowTypes: [String] { workflows.keys.sorted() }

    /// The workflow types that keep their closed runs for a time of their own.
    var retentions: [String: Duration] { workflows.compactMapValues(\.retention) }

    /// The registered activity names, sorted.
    public var activityNames: [String] { activities.keys.sorted() }

    /// Checks that `type` is registered and `input` decodes as its input.
    public func validate(type: String, input: Data) throws {
        guard let entry = workflows[type] else {
            let known = workflowTypes.joined(separator: ", ")
            throw EngineError(.invalidInput, "unknown workflow type '\(type)' (known: \(known.isEmpty ? "none" : known))")
        }
        do {
            try entry.validate(input)
        } catch {
            throw EngineError(.invalidInput, "input for workflow '\(type)' does not decode: \(PayloadCodec.describe(error))")
        }
    }
}

extension Activity {
    nonisolated(nonsending) fileprivate func runEncoded(_ data: Data, _ context: ActivityContext) async throws -> Data {
        let input = try PayloadCodec.decode(Input.self, from: data)
        return try PayloadCodec.encode(try await run(input, context: context))
    }
}
