import Foundation

/// A failure as recorded in a history: its type name, message and whether it may be retried.
public struct ErrorInfo: Codable, Sendable, Hashable, Error, CustomStringConvertible {
    /// The error's type name (`String(describing: type(of: error))`, or ``ApplicationError/type``).
    public var type: String
    /// What went wrong, for people.
    public var message: String
    /// Whether retry policies must not retry it.
    public var nonRetryable: Bool
    /// The failure this one wraps (the activity's error inside an activity failure).
    public var cause: ErrorInfoBox?

    public init(type: String, message: String, nonRetryable: Bool = false, cause: ErrorInfo? = nil) {
        self.type = type
        self.message = message
        self.nonRetryable = nonRetryable
        self.cause = cause.map(ErrorInfoBox.init)
    }

    /// Describes any error thrown by workflow or activity code.
    public init(_ error: any Error) {
        switch error {
        case let info as ErrorInfo:
            self = info
        case let application as ApplicationError:
            self.init(type: application.type, message: application.message, nonRetryable: application.nonRetryable)
        case let failure as ActivityFailure:
            self = failure.info
        case let failure as ChildWorkflowFailure:
            self = failure.info
        case is CancellationError:
            self.init(type: "CancellationError", message: "canceled", nonRetryable: true)
        default:
            let localized = (error as? LocalizedError)?.errorDescription
            self.init(type: String(describing: Swift.type(of: error)), message: localized ?? String(describing: error))
        }
    }

    public var description: String {
        var text = "\(type): \(message)"
        if let cause = cause?.value { text += " (caused by \(cause))" }
        return text
    }
}

/// Boxes a nested ``ErrorInfo`` (a struct cannot contain itself).
public final class ErrorInfoBox: Codable, Sendable, Hashable {
    public let value: ErrorInfo
    public init(_ value: ErrorInfo) { self.value = value }
    public init(from decoder: Decoder) throws { value = try ErrorInfo(from: decoder) }
    public func encode(to encoder: Encoder) throws { try value.encode(to: encoder) }
    public static func == (lhs: ErrorInfoBox, rhs: ErrorInfoBox) -> Bool { lhs.value == rhs.value }
    public func hash(into hasher: inout Hasher) { hasher.combine(value) }
}

/// An error with an explicit type name, for activities and workflows that want to control
/// how their failures are matched by ``RetryPolicy/nonRetryableErrorTypes``.
public struct ApplicationError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var type: String
    public var nonRetryable: Bool

    public init(_ message: String, type: String = "ApplicationError", nonRetryable: Bool = false) {
        self.message = message
        self.type = type
        self.nonRetryable = nonRetryable
    }

    public var description: String { "\(type): \(message)" }
}

/// Thrown into a workflow when an activity step failed for good (attempts exhausted,
/// non-retryable error, or schedule-to-close timeout).
public struct ActivityFailure: Error, Sendable, CustomStringConvertible {
    public let activityName: String
    public let step: Int
    public let attempts: Int
    /// The last attempt's error.
    public let cause: ErrorInfo

    var info: ErrorInfo {
        ErrorInfo(
            type: "ActivityFailure",
            message: "activity \(activityName) (step \(step)) failed after \(attempts) attempt\(attempts == 1 ? "" : "s")",
            nonRetryable: false, cause: cause)
    }

    public var description: String { info.description }
}

/// Thrown into a parent when its child workflow failed, was canceled or terminated.
public struct ChildWorkflowFailure: Error, Sendable, CustomStringConvertible {
    public let workflowID: String
    public let runID: String
    public let status: RunStatus
    public let cause: ErrorInfo?

    var info: ErrorInfo {
        ErrorInfo(
            type: "ChildWorkflowFailure",
            message: "child workflow \(workflowID) (run \(runID)) \(status.rawValue)",
            cause: cause)
    }

    public var description: String { info.description }
}

/// The code run by a replay diverged from the recorded history.
public struct NonDeterminismError: Error, Sendable, CustomStringConvertible, Codable, Hashable {
    /// The step index where the first divergence happened.
    public let step: Int
    /// The recorded step (kind, name, input), or nil when the history has no such step.
    public let recorded: StepDescriptor?
    /// What the code did, or nil when it did not issue the recorded step.
    public let actual: StepDescriptor?

    public var description: String {
        func show(_ step: StepDescriptor?) -> String { step.map { $0.description } ?? "nothing" }
        return "non-determinism at step \(step): history has \(show(recorded)), the code issued \(show(actual))"
    }
}
