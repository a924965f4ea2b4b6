import Foundation
import Logging
import Synchronization

/// Runs one activity step live: attempts with timeouts and heartbeats, durable retry backoff,
/// and the events that record it. One commit per successful step: a fast attempt is recorded
/// only by its completion; one still running after a moment gets an `activityStarted` marker
/// so `dixctl workflow show` can display it.
struct ActivityRunner: Sendable {
    static let startedMarkerDelay: Duration = .milliseconds(100)

    let command: StepCommand
    let recorded: RecordedHistory.Step?
    let entry: WorkflowRegistry.ActivityEntry
    let limit: ConcurrencyLimit?
    /// The run's workflow and run IDs (not its whole record: the runner is copied into its task).
    let workflowID: String
    let runID: String
    let clock: any EngineClock
    let meters: ActivityMeters
    /// The run's logger; ``activityLogger`` adds the activity and step (only when something logs).
    let logger: Logger
    /// Arms the `activityStarted` marker (see ``startedMarkerDelay``).
    let markers: FixedDelayTimer
    /// Commits events that resolve nothing (a failed attempt, the started marker).
    let record: @Sendable ([HistoryEvent]) -> Void
    /// Commits the step's completion; the driver delivers it once durable.
    let complete: @Sendable ([HistoryEvent]) -> Void
    /// The first attempt, when it already ran in the workflow's job and the rest is left to the
    /// runner (see ``RunDriver``): its outcome, when the step was scheduled, and the details of
    /// its last heartbeat.
    var ranInline: (outcome: Result<Data, Error>, scheduledAt: Date, heartbeatDetails: String?)?

    var activityLogger: Logger {
        var logger = logger
        logger[metadataKey: "activity"] = "\(command.name)"
        logger[metadataKey: "step"] = "\(command.step)"
        return logger
    }

    var options: ActivityOptions { command.options ?? ActivityOptions() }


    func execute() async {
        let policy = options.retryPolicy
        var attempt = (recorded?.lastFailedAttempt ?? 0) + 1
        let scheduledAt = ranInline?.scheduledAt ?? recorded?.scheduledAt ?? clock.now()
        let scheduleDeadline = options.scheduleToCloseTimeout.map { scheduledAt.addingTimeInterval($0.seconds) }
        var heartbeatDetails = ranInline?.heartbeatDetails
        var inlineOutcome = ranInline?.outcome
        if let next = recorded?.nextAttemptAt {
            do { try await clock.sleep(until: next) } catch { return }
        }
        while !Task.isCancelled {
            if let scheduleDeadline, clock.now() >= scheduleDeadline {
                finalFailure(
                    ErrorInfo(type: "ScheduleToCloseTimeout", message: "schedule-to-close timeout of \(options.scheduleToCloseTimeout!.seconds)s passed"),
                    attempt: max(1, attempt - 1), scheduledAt: scheduledAt)
                return
            }
            let result: Result<Data, Error>
            if let outcome = inlineOutcome {
                // Run and timed in the workflow's job already.
                result = outcome
                inlineOutcome = nil
            } else {
                let started = ContinuousClock.now
                let sink = HeartbeatSink(previousDetails: heartbeatDetails, clock: clock)
                result = await runAttempt(attempt, sink: sink, scheduledAt: scheduledAt, deadline: scheduleDeadline)
                heartbeatDetails = sink.details
                meters.duration.recordNanoseconds(Int64((ContinuousClock.now - started).seconds * 1e9))
            }
            if Task.isCancelled { return }
            switch result {
            case .success(let output):
                meters.completed.increment()
                complete([completedEvent(output, attempt: attempt, scheduledAt: scheduledAt)])
                return
            case .failure(let error):
                let info = ErrorInfo(error)
                meters.error(info.type)
                let retryable = !info.nonRetryable && !policy.nonRetryableErrorTypes.contains(info.type)
                let nextAttemptAt = clock.now().addingTimeInterval(policy.backoff.delay(afterAttempt: attempt).seconds)
                let withinDeadline = scheduleDeadline.map { nextAttemptAt < $0 } ?? true
                guard retryable && policy.allowsAttempt(after: attempt) && withinDeadline else {
                    finalFailure(info, attempt: attempt, scheduledAt: scheduledAt)
                    return
                }
                meters.retried.increment()
                activityLogger.warning(
                    "activity attempt failed, retrying",
                    metadata: ["attempt": "\(attempt)", "error": "\(info)", "next_attempt_at": "\(nextAttemptAt)"])
                record([HistoryEvent(
                    step: command.step, kind: .activityAttemptFailed, name: command.name, attempt: attempt,
                    inputDigest: command.digest, input: command.input, error: info,
                    detail: EventDetail(deadline: nextAttemptAt, options: command.options, scheduledAt: scheduledAt), time: clock.now())])
                do { try await clock.sleep(until: nextAttemptAt) } catch { return }
                attempt += 1
            }
        }
    }

    /// The event that completes the step with `output`.
    func completedEvent(_ output: Data, attempt: Int, scheduledAt: Date) -> HistoryEvent {
        Self.completedEvent(command, output: output, attempt: attempt, scheduledAt: scheduledAt, time: clock.now())
    }

    static func completedEvent(_ command: StepCommand, output: Data, attempt: Int, scheduledAt: Date, time: Date) -> HistoryEvent {
        HistoryEvent(
            step: command.step, kind: .activityCompleted, name: command.name, attempt: attempt,
            inputDigest: command.digest, input: command.input, output: output,
            detail: EventDetail(options: command.options, scheduledAt: scheduledAt), time: time)
    }

    /// The `activityStarted` marker of the step's first attempt.
    static func startedEvent(_ command: StepCommand, scheduledAt: Date) -> HistoryEvent {
        HistoryEvent(
            step: command.step, kind: .activityStarted, name: command.name, attempt: 1,
            inputDigest: command.digest, input: command.input,
            detail: EventDetail(options: command.options, scheduledAt: scheduledAt), time: scheduledAt)
    }

    /// Records `activityStarted` if the first attempt is still running after a moment, so that
    /// `dixctl workflow show` lists it with its policy; a fast attempt records only its completion.
    private func startedMarker(attempt: Int, scheduledAt: Date) -> FixedDelayTimer.Token? {
        guard attempt == 1 && recorded?.scheduledAt == nil else { return nil }
        let (record, command) = (self.record, self.command)
        return markers.schedule { record([Self.startedEvent(command, scheduledAt: scheduledAt)]) }
    }

    private func finalFailure(_ info: ErrorInfo, attempt: Int, scheduledAt: Date) {
        meters.failed.increment()
        complete([HistoryEvent(
            step: command.step, kind: .activityFailed, name: command.name, attempt: attempt,
            inputDigest: command.digest, input: command.input, error: info,
            detail: EventDetail(options: command.options, scheduledAt: scheduledAt), time: clock.now())])
    }

    /// One attempt, raced against its timeouts. The attempt runs in its own task so that code
    /// ignoring cancellation cannot hold a timeout back.
    private func runAttempt(_ attempt: Int, sink: HeartbeatSink, scheduledAt: Date, deadline: Date?) async -> Result<Data, Error> {
        if let limit {
            do { try await limit.acquire() } catch { return .failure(error) }
        }
        defer { limit?.release() }
        let context = ActivityContext(
            attempt: attempt, workflowID: workflowID, runID: runID, activityName: entry.name,
            stepIndex: command.step, runLogger: logger, heartbeatSink: sink)
        let input = command.input ?? Data("null".utf8)
        let entry = self.entry
        let marker = startedMarker(attempt: attempt, scheduledAt: scheduledAt)
        defer { marker.map(markers.cancel) }
        if options.startToCloseTimeout == nil && options.heartbeatTimeout == nil && deadline == nil {
            // Nothing to race against: run the attempt in this task (cancellation reaches it directly).
            do { return .success(try await entry.run(input, context)) } catch { return .failure(error) }
        }
        let race = FirstResult()
        let work = Task {
            do { race.offer(.success(try await entry.run(input, context))) } catch { race.offer(.failure(error)) }
        }
        var timers: [Task<Void, Never>] = []
        let clock = self.clock
        let startToClose = options.startToCloseTimeout.map { clock.now().addingTimeInterval($0.seconds) }
        let attemptDeadline = [startToClose, deadline].compactMap { $0 }.min()
        if let attemptDeadline {
            let type = attemptDeadline == startToClose ? "StartToCloseTimeout" : "ScheduleToCloseTimeout"
            timers.append(Task {
                guard (try? await clock.sleep(until: attemptDeadline)) != nil else { return }
                race.offer(.failure(ErrorInfo(type: type, message: "attempt \(attempt) timed out (\(type))")))
            })
        }
        if let heartbeat = options.heartbeatTimeout {
            timers.append(Task {
                while !Task.isCancelled {
                    let due = sink.lastBeat.addingTimeInterval(heartbeat.seconds)
                    guard (try? await clock.sleep(until: due)) != nil else { return }
                    if clock.now() >= sink.lastBeat.addingTimeInterval(heartbeat.seconds) {
                        race.offer(.failure(ErrorInfo(
                            type: "HeartbeatTimeout", message: "no heartbeat for \(heartbeat.seconds)s in attempt \(attempt)")))
                        return
                    }
                }
            })
        }
        let result = await withTaskCancellationHandler {
            await race.value()
        } onCancel: {
            work.cancel()
            race.cancel()
        }
        work.cancel()
        timers.forEach { $0.cancel() }
        return result
    }
}

/// Hands out the first outcome offered to an attempt and ignores the rest.
final class FirstResult: Sendable {
    private struct State {
        var value: Result<Data, Error>?
        var waiter: CheckedContinuation<Result<Data, Error>, Never>?
    }
    private let state = Mutex(State())

    func offer(_ value: Result<Data, Error>) {
        let waiter = state.withLock { state -> CheckedContinuation<Result<Data, Error>, Never>? in
            guard state.value == nil else { return nil }
            state.value = value
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: value)
    }

    /// Ends the wait with `CancellationError` unless an outcome is already there.
    func cancel() { offer(.failure(CancellationError())) }

    func value() async -> Result<Data, Error> {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Result<Data, Error>? in
                if let value = state.value { return value }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
