import Foundation
import Logging

/// Replays a run's recorded history against the registered workflow code, with no side
/// effects: no activity runs, no timer waits, no signal is consumed.
///
/// ```swift
/// let report = await Replayer(registry: registry).replay(run: run, history: events)
/// ```
public struct Replayer: Sendable {
    let registry: WorkflowRegistry
    let verbose: Bool
    let logger: Logger

    public init(registry: WorkflowRegistry, verbose: Bool = false, logger: Logger = Logger(label: "dixmgr.replay")) {
        self.registry = registry
        self.verbose = verbose
        self.logger = logger
    }

    /// Replays a history exported as JSON (`dixctl workflow export`).
    public func replay(exported: ExportedHistory) async throws -> ReplayReport {
        await replay(run: exported.run, history: exported.events)
    }

    public func replay(run: RunRecord, history: [HistoryEvent]) async -> ReplayReport {
        let driver = RunDriver(
            run: run, history: history, registry: registry, environment: nil, logger: logger, verbose: verbose)
        let ending = await driver.drive()
        // Delivering consumed the recorded completions; the steps and the close are intact.
        let (trace, pending, recorded) = driver.core.state.withLock { state in
            (state.trace, state.pending.keys.sorted(), state.history)
        }
        var report = ReplayReport(
            runID: run.runID, workflowType: run.workflowType, steps: trace, result: .ok(closedAs: nil), waitingAt: pending)

        // A recorded step the code never issued is a divergence too. Steps are numbered from
        // 0 in issue order, so the trace is usually exactly 0..<count and needs no set.
        let missing: Int?
        if trace.indices.allSatisfy({ trace[$0].index == $0 }) {
            missing = recorded.steps.indices.first { $0 >= trace.count }
        } else {
            let issued = Set(trace.map(\.index))
            missing = recorded.steps.indices.first { !issued.contains($0) }
        }
        if let missing {
            report.result = .nonDeterministic(NonDeterminismError(step: missing, recorded: recorded.descriptor(of: missing), actual: nil))
        }
        let recordedStatus = recorded.close.map(Self.status(of:))
        switch ending {
        case .blocked(let error):
            report.result = .nonDeterministic(error)
        case .abandoned(let reason):
            report.result = .recordedFailure(step: nil, error: ErrorInfo(type: "ReplayError", message: reason))
        case .historyEnded:
            if case .ok = report.result, recordedStatus != nil {
                report.result = .nonDeterministic(NonDeterminismError(
                    step: pending.first ?? trace.count, recorded: nil,
                    actual: trace.first(where: { pending.contains($0.index) }).map {
                        StepDescriptor(kind: $0.kind, name: $0.name, inputDigest: $0.inputDigest)
                    }))
            }
        case .closed(let status):
            guard case .ok = report.result else { break }
            if let recordedStatus, recordedStatus != status, recordedStatus != .terminated {
                report.result = .nonDeterministic(NonDeterminismError(
                    step: trace.count, recorded: nil,
                    actual: StepDescriptor(kind: .status, name: "close \(status.rawValue) (history: \(recordedStatus.rawValue))", inputDigest: "")))
            } else if status == .failed, let error = recorded.close?.error {
                let failedStep = history.last(where: { $0.kind == .activityFailed || ($0.kind == .childClosed && $0.error != nil) })?.step
                report.result = .recordedFailure(step: failedStep, error: error)
            } else {
                report.result = .ok(closedAs: status)
            }
        }
        if let close = recorded.close, close.kind == .workflowTerminated, case .ok = report.result {
            report.result = .recordedFailure(step: nil, error: close.error ?? ErrorInfo(type: "Terminated", message: "terminated"))
        }
        return report
    }

    static func status(of close: HistoryEvent) -> RunStatus {
        switch close.kind {
        case .workflowCompleted: return .completed
        case .workflowFailed: return .failed
        case .workflowCanceled: return .canceled
        case .workflowTerminated: return .terminated
        default: return .continued
        }
    }
}

/// A run and its history as `dixctl workflow export` writes them.
public struct ExportedHistory: Sendable, Codable {
    public var formatVersion: Int
    public var run: RunRecord
    public var events: [HistoryEvent]

    public init(run: RunRecord, events: [HistoryEvent]) {
        formatVersion = 1
        self.run = run
        self.events = events
    }
}
