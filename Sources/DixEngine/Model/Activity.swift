import Logging

/// A unit of work with side effects that a workflow runs through its context.
///
/// Activities run outside the workflow's deterministic executor, may do any I/O, and are
/// retried by the engine according to the step's ``RetryPolicy``. They run at least once
/// per attempt (a crash during an attempt re-runs that attempt), so write them idempotent.
///
/// ```swift
/// struct Greet: Activity {
///     static let name = "demo.greet"
///     func run(_ input: String, context: ActivityContext) async throws -> String {
///         "hello, \(input)"
///     }
/// }
/// ```
public protocol Activity: Sendable {
    associatedtype Input: Codable & Sendable
    associatedtype Output: Codable & Sendable

    /// The name under which the activity is registered and recorded in histories.
    static var name: String { get }

    /// Performs one attempt.
    func run(_ input: Input, context: ActivityContext) async throws -> Output
}

/// What an activity attempt knows about itself, and how it reports liveness.
public struct ActivityContext: Sendable {
    /// The attempt number, starting at 1. Durable: it survives worker restarts.
    public let attempt: Int
    /// The workflow ID of the run that scheduled the activity.
    public let workflowID: String
    /// The run ID of the run that scheduled the activity.
    public let runID: String
    /// The registered name of the activity.
    public let activityName: String
    /// The step index of the activity in the run's history.
    public let stepIndex: Int
    /// A logger carrying the run ID, workflow ID, activity name and step as metadata.
    public var logger: Logger {
        guard addsStepMetadata else { return baseLogger }
        var logger = baseLogger
        logger[metadataKey: "activity"] = "\(activityName)"
        logger[metadataKey: "step"] = "\(stepIndex)"
        return logger
    }

    private let baseLogger: Logger
    /// Whether ``logger`` adds the activity and step to `baseLogger` (the run's logger) when it
    /// is used: most attempts never log, and setting metadata can cost as much as a fast attempt.
    private let addsStepMetadata: Bool
    let heartbeatSink: HeartbeatSink?

    /// A context whose logger is `logger` as given.
    package init(
        attempt: Int, workflowID: String, runID: String, activityName: String, stepIndex: Int,
        logger: Logger, heartbeatSink: HeartbeatSink? = nil
    ) {
        self.init(
            attempt: attempt, workflowID: workflowID, runID: runID, activityName: activityName, stepIndex: stepIndex,
            baseLogger: logger, addsStepMetadata: false, heartbeatSink: heartbeatSink)
    }

    /// An attempt's context whose logger is `runLogger` with the activity and step added.
    init(
        attempt: Int, workflowID: String, runID: String, activityName: String, stepIndex: Int,
        runLogger: Logger, heartbeatSink: HeartbeatSink?
    ) {
        self.init(
            attempt: attempt, workflowID: workflowID, runID: runID, activityName: activityName, stepIndex: stepIndex,
            baseLogger: runLogger, addsStepMetadata: true, heartbeatSink: heartbeatSink)
    }

    private init(
        attempt: Int, workflowID: String, runID: String, activityName: String, stepIndex: Int,
        baseLogger: Logger, addsStepMetadata: Bool, heartbeatSink: HeartbeatSink?
    ) {
        self.attempt = attempt
        self.workflowID = workflowID
        self.runID = runID
        self.activityName = activityName
        self.stepIndex = stepIndex
        self.baseLogger = baseLogger
        self.addsStepMetadata = addsStepMetadata
        self.heartbeatSink = heartbeatSink
    }

    /// Reports that the attempt is alive. Required at least every heartbeat timeout when
    /// the step sets one; the latest details are handed to the next attempt after a failure.
    public func heartbeat(_ details: String? = nil) {
        heartbeatSink?.beat(details)
    }

    /// Details of the last heartbeat of the previous attempt, if it sent any.
    public var lastHeartbeatDetails: String? { heartbeatSink?.previousDetails }

    /// Whether the step was cancelled (workflow cancelled, or the attempt timed out).
    public var isCancelled: Bool { Task.isCancelled }

    /// Throws `CancellationError` when the step was cancelled.
    public func checkCancellation() throws { try Task.checkCancellation() }
}
