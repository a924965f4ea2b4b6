import Foundation
import Logging

/// What a workflow uses for everything that must be recorded: activities, timers, signals,
/// children, time, randomness and its published status.
///
/// Every call is a step with an index; replaying the history re-issues the same steps in the
/// same order and returns the recorded results instead of doing the work again.
public final class WorkflowContext: Sendable {
    let core: RunCore
    /// A logger with the run's metadata; silent while the code replays recorded steps.
    public let logger: Logger

    init(core: RunCore, logger: Logger) {
        self.core = core
        self.logger = logger
    }

    /// The user-facing workflow ID.
    public var workflowID: String { core.workflowID }
    /// This run's ID.
    public var runID: String { core.runID }
    /// The workflow type's name.
    public var workflowType: String { core.workflowType }
    /// Whether cancellation of the run has been delivered.
    public var isCancelled: Bool { core.state.withLock { $0.cancelDelivered } }
    /// Whether the code is replaying recorded history rather than running live.
    public var isReplaying: Bool { core.isReplaying }

    // MARK: Activities

    /// Runs an activity with timeouts and retries, and returns its result.
    ///
    /// Throws ``ActivityFailure`` when the step fails for good, and `CancellationError` when
    /// the run is canceled.
    nonisolated(nonsending) public func execute<A: Activity>(
        _ activity: A.Type, _ input: A.Input, options: ActivityOptions = ActivityOptions()
    ) async throws -> A.Output {
        let data = try PayloadCodec.encode(input)
        // Nil for the defaults (see ``StepCommand/options``): no box for them on every step.
        let options = options.unlessDefault
        let outcome = await core.awaitActivity {
            StepCommand(step: $0, kind: .activity, name: A.name, input: data, digest: PayloadCodec.digest(data), options: options)
        }
        return try PayloadCodec.decode(A.Output.self, from: outcome.get() ?? Data("null".utf8))
    }

    // MARK: Timers and signals

    /// Sleeps durably: the timer's deadline is recorded and survives restarts.
    public func sleep(for duration: Duration) async throws {
        let digest = PayloadCodec.digest(Data("\(duration.seconds)".utf8))
        _ = try await core.await {
            StepCommand(step: $0, kind: .timer, name: "sleep", digest: digest, duration: duration)
        }.get()
    }

    /// Waits for the next signal `name` (buffered signals first, in arrival order); nil when
    /// `timeout` passes first.
    public func waitForSignal<T: Decodable & Sendable>(
        _ name: String, as type: T.Type = T.self, timeout: Duration? = nil
    ) async throws -> T? {
        let outcome = await core.await {
            StepCommand(step: $0, kind: .signal, name: name, digest: PayloadCodec.digest(Data(name.utf8)), duration: timeout)
        }
        guard let payload = try outcome.get() else { return nil }
        return try PayloadCodec.decode(T.self, from: payload)
    }

    /// Sends signal `name` to the open run of another workflow.
    public func signal<T: Encodable>(workflowID target: String, _ name: String, payload: T) async throws {
        let data = try PayloadCodec.encode(payload)
        let digest = PayloadCodec.digest(Data((target + "\u{0}" + name).utf8) + data)
        _ = try await core.await {
            StepCommand(step: $0, kind: .sendSignal, name: name, input: data, digest: digest, target: target)
        }.get()
    }

    // MARK: Children

    /// Starts a child workflow and returns a handle to await its result.
    public func startChild<W: Workflow>(
        _ type: W.Type, input: W.Input, id: String? = nil, parentClosePolicy: ParentClosePolicy = .cancel
    ) async throws -> ChildWorkflowHandle<W> {
        let data = try PayloadCodec.encode(input)
        let parent = core
        let outcome = await core.await { step in
            let childID = id ?? "\(parent.workflowID)/child-\(step)"
            let child = NewRun(
                workflowID: childID, workflowType: W.name, input: data, parentRunID: parent.runID, parentStep: step,
                parentClosePolicy: parentClosePolicy)
            return StepCommand(
                step: step, kind: .startChild, name: W.name, input: data,
                digest: PayloadCodec.digest(Data(childID.utf8) + data), child: child)
        }
        let started = try PayloadCodec.decode(ChildStarted.self, from: outcome.get() ?? Data())
        return ChildWorkflowHandle(context: self, workflowID: started.workflowID, runID: started.runID)
    }

    /// Starts a child workflow and waits for its result.
    public func executeChild<W: Workflow>(
        _ type: W.Type, input: W.Input, id: String? = nil, parentClosePolicy: ParentClosePolicy = .cancel
    ) async throws -> W.Output {
        try await startChild(type, input: input, id: id, parentClosePolicy: parentClosePolicy).result()
    }

    func childResult<Output: Decodable>(workflowType: String, workflowID: String, runID: String, as: Output.Type) async throws -> Output {
        let outcome = await core.await {
            StepCommand(
                step: $0, kind: .childResult, name: workflowType, digest: PayloadCodec.digest(Data(workflowID.utf8)),
                target: runID)
        }
        return try PayloadCodec.decode(Output.self, from: outcome.get() ?? Data("null".utf8))
    }

    // MARK: Recorded values

    /// The current time, recorded so that replays see the same value.
    public func now() -> Date {
        let data = (try? core.immediate(kind: .sideEffect, name: "now", digestOf: Data("now".utf8)) {
            Data(String(Int64((core.clock.now().timeIntervalSince1970 * 1000).rounded())).utf8)
        }) ?? Data()
        let milliseconds = Int64(String(decoding: data, as: UTF8.self)) ?? 0
        return Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// A random number, recorded.
    public func random() -> UInt64 {
        let data = (try? core.immediate(kind: .sideEffect, name: "random", digestOf: Data("random".utf8)) {
            Data(String(UInt64.random(in: .min ... .max)).utf8)
        }) ?? Data()
        return UInt64(String(decoding: data, as: UTF8.self)) ?? 0
    }

    /// A random integer in `range`, recorded.
    public func random(in range: ClosedRange<Int>) -> Int {
        // Two's-complement arithmetic: the whole of Int.min...Int.max has a span of 2^64 (0 here).
        let span = UInt64(bitPattern: Int64(range.upperBound) &- Int64(range.lowerBound)) &+ 1
        let offset = span == 0 ? random() : random() % span
        return range.lowerBound &+ Int(truncatingIfNeeded: offset)
    }

    /// A UUID, recorded.
    public func uuid() -> UUID {
        let data = (try? core.immediate(kind: .sideEffect, name: "uuid", digestOf: Data("uuid".utf8)) {
            Data(UUID().uuidString.utf8)
        }) ?? Data()
        return UUID(uuidString: String(decoding: data, as: UTF8.self)) ?? UUID()
    }

    /// Publishes a small status that `dixctl workflow show` displays (what the run is doing now).
    public func publishStatus<T: Encodable>(_ status: T) {
        guard let data = try? PayloadCodec.encode(status) else { return }
        _ = try? core.immediate(kind: .status, name: "status", digestOf: data, isStatus: true) { data }
    }
}

/// A started child workflow.
public struct ChildWorkflowHandle<W: Workflow>: Sendable {
    let context: WorkflowContext
    public let workflowID: String
    public let runID: String

    /// Waits for the child to close; throws ``ChildWorkflowFailure`` unless it completed.
    public func result() async throws -> W.Output {
        try await context.childResult(workflowType: W.name, workflowID: workflowID, runID: runID, as: W.Output.self)
    }
}

/// The outcome of a child start, as recorded.
struct ChildStarted: Codable {
    var workflowID: String
    var runID: String
}
