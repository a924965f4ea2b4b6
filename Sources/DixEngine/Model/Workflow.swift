/// A durable workflow: deterministic Swift code whose every step is recorded.
///
/// A workflow must take time, randomness and sleeping from its ``WorkflowContext``, and do
/// I/O only through activities, so that replaying its history re-issues the same steps.
/// Concurrency through `async let` and task groups is allowed: the engine runs workflow code
/// on a deterministic executor and delivers step results in recorded order.
///
/// ```swift
/// struct Hello: Workflow {
///     static let name = "hello"
///     func run(_ input: String, context: WorkflowContext) async throws -> String {
///         try await context.sleep(for: .seconds(5))
///         return try await context.execute(Greet.self, input)
///     }
/// }
/// ```
public protocol Workflow: Sendable {
    associatedtype Input: Codable & Sendable
    associatedtype Output: Codable & Sendable

    /// The workflow type's name, used by `dixctl workflow start TYPE` and in histories.
    static var name: String { get }

    init()

    /// How long closed runs of this type are kept, instead of the worker's retention (nil, the
    /// default). Long-lived loops that continue as new (monitors) leave many closed runs behind.
    static var retention: Duration? { get }

    /// Runs the workflow. Throwing fails the run (except ``ContinueAsNew`` and cancellation).
    func run(_ input: Input, context: WorkflowContext) async throws -> Output
}

extension Workflow {
    public static var retention: Duration? { nil }
}

/// Thrown by a workflow to close its run and start a new one with the same workflow ID.
///
/// ```swift
/// throw ContinueAsNew(input: nextInput)
/// ```
public struct ContinueAsNew: Error, Sendable {
    let input: Data
    let workflowType: String?

    /// Continues as the same workflow type with a new input.
    public init<Input: Encodable>(input: Input) {
        self.input = (try? PayloadCodec.encode(input)) ?? Data("null".utf8)
        self.workflowType = nil
    }

    /// Continues as another workflow type.
    public init<W: Workflow>(_ type: W.Type, input: W.Input) {
        self.input = (try? PayloadCodec.encode(input)) ?? Data("null".utf8)
        self.workflowType = W.name
    }
}

import Foundation
