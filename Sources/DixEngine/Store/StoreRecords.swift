import Foundation

/// A run as stored: identity, status, input and outcome, ownership and links.
public struct RunRecord: Sendable, Codable, Hashable {
    public var runID: String
    public var workflowID: String
    public var workflowType: String
    public var status: RunStatus
    public var input: Data
    public var result: Data?
    public var error: ErrorInfo?
    public var publishedStatus: Data?
    public var createdAt: Date
    public var startedAt: Date?
    public var closedAt: Date?
    public var owner: String?
    public var leaseExpiresAt: Date?
    public var leaseToken: Int64
    public var cancelRequested: Bool
    public var parentRunID: String?
    public var parentStep: Int?
    public var parentClosePolicy: ParentClosePolicy?
    public var previousRunID: String?
    public var nextRunID: String?
    public var eventCount: Int
    public var blockedReason: String?
}

extension RunRecord {
    /// The record of a run just created from `run` (pending; leased when it has an owner).
    init(created run: NewRun, at now: Date) {
        self.init(
            runID: run.runID, workflowID: run.workflowID, workflowType: run.workflowType, status: .pending,
            input: run.input, createdAt: now, owner: run.owner, leaseExpiresAt: run.leaseExpiresAt,
            leaseToken: run.owner == nil ? 0 : 1, cancelRequested: false, parentRunID: run.parentRunID,
            parentStep: run.parentStep, parentClosePolicy: run.parentClosePolicy, previousRunID: run.previousRunID,
            eventCount: 1)
    }
}

/// One event of a run's history.
public struct HistoryEvent: Sendable, Codable, Hashable {
    /// The kinds of events. Completion kinds are delivered to the workflow in index order.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case workflowStarted = "workflow_started"
        case activityStarted = "activity_started"
        case activityAttemptFailed = "activity_attempt_failed"
        case activityCompleted = "activity_completed"
        case activityFailed = "activity_failed"
        case timerStarted = "timer_started"
        case timerFired = "timer_fired"
        case signalWaitStarted = "signal_wait_started"
        case signalReceived = "signal_received"
        case signalTimedOut = "signal_timed_out"
        case sideEffect = "side_effect"
        case statusPublished = "status_published"
        case signalSent = "signal_sent"
        case childStarted = "child_started"
        case childClosed = "child_closed"
        case cancelRequested = "cancel_requested"
        case workflowCompleted = "workflow_completed"
        case workflowFailed = "workflow_failed"
        case workflowCanceled = "workflow_canceled"
        case workflowTerminated = "workflow_terminated"
        case workflowContinuedAsNew = "workflow_continued_as_new"

        /// Whether the event resolves a step the workflow awaits (or requests cancellation).
        public var isCompletion: Bool {
            switch self {
            case .activityCompleted, .activityFailed, .timerFired, .signalReceived, .signalTimedOut,
                .signalSent, .childStarted, .childClosed, .cancelRequested:
                return true
            default:
                return false
            }
        }

        /// Whether the event closes the run.
        public var isClose: Bool {
            switch self {
            case .workflowCompleted, .workflowFailed, .workflowCanceled, .workflowTerminated, .workflowContinuedAsNew:
                return true
            default:
                return false
            }
        }

        /// The step kind this event belongs to, if it belongs to a step.
        public var stepKind: StepKind? {
            switch self {
            case .activityStarted, .activityAttemptFailed, .activityCompleted, .activityFailed: return .activity
            case .timerStarted, .timerFired: return .timer
            case .signalWaitStarted, .signalReceived, .signalTimedOut: return .signal
            case .sideEffect: return .sideEffect
            case .statusPublished: return .status
            case .signalSent: return .sendSignal
            case .childStarted: return .startChild
            case .childClosed: return .childResult
            default: return nil
            }
        }
    }

    public var index: Int
    public var step: Int?
    public var kind: Kind
    public var name: String?
    public var attempt: Int?
    public var inputDigest: String?
    public var input: Data?
    public var output: Data?
    public var error: ErrorInfo?
    /// Kind-specific details (deadline, retry policy, next attempt time), as JSON.
    public var detail: EventDetail?
    public var time: Date

    public init(
        index: Int = 0, step: Int? = nil, kind: Kind, name: String? = nil, attempt: Int? = nil,
        inputDigest: String? = nil, input: Data? = nil, output: Data? = nil, error: ErrorInfo? = nil,
        detail: EventDetail? = nil, time: Date
    ) {
        self.index = index
        self.step = step
        self.kind = kind
        self.name = name
        self.attempt = attempt
        self.inputDigest = inputDigest
        self.input = input
        self.output = output
        self.error = error
        self.detail = detail
        self.time = time
    }

    /// Whether ``descriptor`` is not nil.
    var describesStep: Bool { kind.stepKind != nil && name != nil && inputDigest != nil }

    /// The step this event describes, for determinism checks.
    var descriptor: StepDescriptor? {
        guard let stepKind = kind.stepKind, let name, let inputDigest else { return nil }
        return StepDescriptor(
            kind: stepKind, name: name, inputDigest: inputDigest,
            input: input.map { String(decoding: $0, as: UTF8.self) })
    }
}

/// Kind-specific details of an event.
public struct EventDetail: Sendable, Codable, Hashable {
    /// A timer's or signal wait's deadline, or a retry's next attempt time.
    public var deadline: Date?
    /// The effective options of an activity step.
    public var options: ActivityOptions?
    /// When the activity step was first scheduled (for schedule-to-close).
    public var scheduledAt: Date?
    /// A child's or signal target's workflow ID.
    public var workflowID: String?
    /// A child's run ID.
    public var runID: String?
    /// A child's closing status.
    public var status: RunStatus?
    /// A parent-close policy.
    public var parentClosePolicy: ParentClosePolicy?
    /// The inbox ID of a received signal.
    public var signalID: Int64?

    public init(
        deadline: Date? = nil, options: ActivityOptions? = nil, scheduledAt: Date? = nil,
        workflowID: String? = nil, runID: String? = nil, status: RunStatus? = nil,
        parentClosePolicy: ParentClosePolicy? = nil, signalID: Int64? = nil
    ) {
        self.deadline = deadline
        self.options = options
        self.scheduledAt = scheduledAt
        self.workflowID = workflowID
        self.runID = runID
        self.status = status
        self.parentClosePolicy = parentClosePolicy
        self.signalID = signalID
    }
}

/// A run to create.
public struct NewRun: Sendable {
    public var runID: String
    public var workflowID: String
    public var workflowType: String
    public var input: Data
    public var owner: String?
    public var leaseExpiresAt: Date?
    public var parentRunID: String?
    public var parentStep: Int?
    public var parentClosePolicy: ParentClosePolicy?
    public var previousRunID: String?

    public init(
        runID: String = RunIdentifier.make(), workflowID: String, workflowType: String, input: Data,
        owner: String? = nil, leaseExpiresAt: Date? = nil, parentRunID: String? = nil, parentStep: Int? = nil,
        parentClosePolicy: ParentClosePolicy? = nil, previousRunID: String? = nil
    ) {
        self.runID = runID
        self.workflowID = workflowID
        self.workflowType = workflowType
        self.input = input
        self.owner = owner
        self.leaseExpiresAt = leaseExpiresAt
        self.parentRunID = parentRunID
        self.parentStep = parentStep
        self.parentClosePolicy = parentClosePolicy
        self.previousRunID = previousRunID
    }
}

/// A filter for listing runs.
public struct RunFilter: Sendable {
    public var status: RunStatus?
    public var workflowType: String?
    public var limit: Int

    public init(status: RunStatus? = nil, workflowType: String? = nil, limit: Int = 50) {
        self.status = status
        self.workflowType = workflowType
        self.limit = limit
    }
}

/// A signal waiting in a workflow's inbox.
public struct InboxSignal: Sendable, Hashable {
    public var id: Int64
    public var workflowID: String
    public var name: String
    public var payload: Data?
    public var sentAt: Date
}
