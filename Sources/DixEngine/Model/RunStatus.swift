/// The lifecycle of a run: `pending → running → completed | failed | canceled | terminated | continued`.
public enum RunStatus: String, Codable, Sendable, CaseIterable {
    case pending, running, completed, failed, canceled, terminated, continued

    /// Whether the run can still make progress.
    public var isOpen: Bool { self == .pending || self == .running }
}

/// How a parent's children are treated when the parent closes or is canceled.
public enum ParentClosePolicy: String, Codable, Sendable, CaseIterable {
    /// The child is terminated at once.
    case terminate
    /// The child is asked to cancel (the default).
    case cancel
    /// The child runs on independently.
    case abandon
}

/// The kinds of steps a workflow takes through its context.
public enum StepKind: String, Codable, Sendable, CaseIterable {
    case activity, timer, signal, sendSignal = "send_signal", startChild = "start_child"
    case childResult = "child_result", sideEffect = "side_effect", status
}

/// What identifies a step for determinism checks: its kind, name and input.
public struct StepDescriptor: Codable, Sendable, Hashable, CustomStringConvertible {
    public var kind: StepKind
    public var name: String
    /// The digest of the step's input (see ``PayloadCodec/digest(_:)``).
    public var inputDigest: String
    /// The input itself when known, for reports.
    public var input: String?

    public init(kind: StepKind, name: String, inputDigest: String, input: String? = nil) {
        self.kind = kind
        self.name = name
        self.inputDigest = inputDigest
        self.input = input
    }

    public var description: String {
        "\(kind.rawValue) \(name) input \(input.map { PayloadCodec.preview(Data($0.utf8), limit: 120) } ?? inputDigest)"
    }
}

import Foundation
