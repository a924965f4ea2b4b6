import DixEngine
import DixServices
import Foundation

/// A run as dixctl prints it under `--json`.
struct RunView: Encodable {
    var workflowID: String
    var runID: String
    var type: String
    var status: String
    var input: JSONValue
    var result: JSONValue?
    var error: ErrorInfo?
    var publishedStatus: JSONValue?
    var created: Date
    var started: Date?
    var closed: Date?
    var owner: String?
    var cancelRequested: Bool
    var parentRunID: String?
    var previousRunID: String?
    var nextRunID: String?
    var events: Int
    var blockedReason: String?

    init(_ run: RunRecord) {
        workflowID = run.workflowID
        runID = run.runID
        type = run.workflowType
        status = run.status.rawValue
        input = JSONValue(json: run.input)
        result = run.result.map { JSONValue(json: $0) }
        error = run.error
        publishedStatus = run.publishedStatus.map { JSONValue(json: $0) }
        created = run.createdAt
        started = run.startedAt
        closed = run.closedAt
        owner = run.owner
        cancelRequested = run.cancelRequested
        parentRunID = run.parentRunID
        previousRunID = run.previousRunID
        nextRunID = run.nextRunID
        events = run.eventCount
        blockedReason = run.blockedReason
    }
}

/// Text and JSON rendering shared by the dixctl commands.
public enum Render {
    static let timeFormat: DateFormatter = {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        formatter.locale = Locale(identifier: "en_US_POSIX")
        return formatter
    }()

    public static func time(_ date: Date?) -> String {
        date.map { timeFormat.string(from: $0) } ?? "-"
    }

    public static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    /// Columns padded to their widest cell.
    public static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    public static func runs(_ runs: [RunRecord], json: Bool) -> String {
        if json { return self.json(runs.map(RunView.init)) }
        if runs.isEmpty { return "no runs" }
        return table(
            ["WORKFLOW ID", "RUN ID", "TYPE", "STATUS", "STARTED", "CLOSED"],
            runs.map { [$0.workflowID, $0.runID, $0.workflowType, $0.status.rawValue, time($0.startedAt ?? $0.createdAt), time($0.closedAt)] })
    }

    /// A closed run's result: the payload (or JSON with the status) on success.
    public static func result(_ run: RunRecord, json: Bool) -> String? {
        if json { return self.json(["status": JSONValue.string(run.status.rawValue), "result": JSONValue(json: run.result)]) }
        return run.status == .completed ? payload(run.result) : nil
    }

    public static func payload(_ data: Data?) -> String {
        guard let data else { return "-" }
        return String(decoding: data, as: UTF8.self)
    }

    public static func description(_ description: RunDescription, json: Bool) -> String {
        struct View: Encodable {
            var run: RunView
            var ownerLiveness: WorkerLiveness?
            var steps: [RunDescription.Step]
        }
        if json {
            return self.json(View(run: RunView(description.run), ownerLiveness: description.ownerLiveness, steps: description.steps))
        }
        let run = description.run
        var lines = [
            "workflow  \(run.workflowID)",
            "run       \(run.runID)",
            "type      \(run.workflowType)",
            "status    \(run.status.rawValue)\(run.cancelRequested && run.status.isOpen ? " (cancel requested)" : "")",
            "started   \(time(run.startedAt ?? run.createdAt))",
            "closed    \(time(run.closedAt))",
            "input     \(payload(run.input))",
        ]
        if run.status.isOpen { lines.insert("worker    \(worker(of: run, description.ownerLiveness))", at: 4) }
        if let blocked = run.blockedReason {
            lines.append("blocked   \(blocked)")
            lines.append("          (the worker stopped this run; deploy code that replays its history, or terminate it)")
        }
        if let status = run.publishedStatus { lines.append("now       \(payload(status))") }
        if let result = run.result { lines.append("result    \(payload(result))") }
        if let error = run.error { lines.append("error     \(error)") }
        if let previous = run.previousRunID { lines.append("continued from  \(previous)") }
        if let next = run.nextRunID { lines.append("continued as    \(next)") }
        if let parent = run.parentRunID { lines.append("parent run      \(parent)") }
        lines.append("")
        if description.steps.isEmpty {
            lines.append("no steps yet (\(description.eventCount) event\(description.eventCount == 1 ? "" : "s"))")
            return lines.joined(separator: "\n")
        }
        lines.append(table(
            ["STEP", "KIND", "NAME", "ATTEMPTS", "STARTED", "FINISHED", "OUTCOME"],
            description.steps.map { step in
                var outcome = step.outcome
                if let due = step.due { outcome += " until \(time(due))" }
                if let detail = step.detail, !detail.isEmpty { outcome += ": \(detail)" }
                return [
                    "\(step.index)", step.kind.rawValue, step.name, step.kind == .activity ? "\(max(step.attempts, 1))" : "-",
                    time(step.started), time(step.finished), outcome,
                ]
            }))
        let policies = description.steps.filter { $0.options != nil }
        if !policies.isEmpty {
            lines.append("")
            lines.append("activity policies:")
            for step in policies {
                guard let options = step.options else { continue }
                let policy = options.retryPolicy
                var parts = [
                    "initial \(policy.initialInterval.seconds)s", "coefficient \(policy.backoffCoefficient)",
                    "max interval \(policy.maximumInterval.seconds)s",
                    "max attempts \(policy.maximumAttempts == 0 ? "unlimited" : "\(policy.maximumAttempts)")",
                    "jitter ±\(Int(policy.jitter * 100))%",
                ]
                if !policy.nonRetryableErrorTypes.isEmpty { parts.append("non-retryable \(policy.nonRetryableErrorTypes.joined(separator: ","))") }
                if let timeout = options.startToCloseTimeout { parts.append("start-to-close \(timeout.seconds)s") }
                if let timeout = options.scheduleToCloseTimeout { parts.append("schedule-to-close \(timeout.seconds)s") }
                if let timeout = options.heartbeatTimeout { parts.append("heartbeat \(timeout.seconds)s") }
                lines.append("  step \(step.index) \(step.name): \(parts.joined(separator: ", "))")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Who drives an open run, and what becomes of it if no one does.
    static func worker(of run: RunRecord, _ liveness: WorkerLiveness?) -> String {
        guard let owner = run.owner else { return "none: the run waits for a worker (is dixmgr running on this database?)" }
        // A taken-over run keeps its owner, with a lease already ended, until a worker claims it.
        let leaseEnded = (run.leaseExpiresAt ?? .distantPast) <= Date()
        let lease = "its lease ends \(time(run.leaseExpiresAt))"
        switch liveness {
        case .running: return "\(owner) (running)"
        case .gone where leaseEnded: return "\(owner) (gone: the next worker to claim runs takes it over)"
        case .gone: return "\(owner) (gone: the next worker to start takes the run over, or any worker once \(lease))"
        case .unknown, nil:
            return leaseEnded
                ? "\(owner) (its lease has ended: the next worker to claim runs takes it over)"
                : "\(owner) (\(lease); taken over then if the worker is gone)"
        }
    }

    public static func replay(_ report: ReplayReport, json: Bool) -> String {
        if json { return self.json(report) }
        var lines = ["replaying run \(report.runID) (\(report.workflowType))"]
        lines.append(table(
            ["STEP", "KIND", "NAME", "INPUT", "RECORDED"],
            report.steps.map { step in
                ["\(step.index)", step.kind.rawValue, step.name, String(step.inputDigest.prefix(12)),
                 step.outcome + (step.detail.map { ": \($0)" } ?? "")]
            }))
        switch report.result {
        case .ok(let closedAs):
            if let closedAs {
                lines.append("replay ok (closed as \(closedAs.rawValue))")
            } else {
                lines.append("replay ok (run still open\(report.waitingAt.isEmpty ? "" : ", waiting at step \(report.waitingAt.map(String.init).joined(separator: ", "))"))")
            }
        case .recordedFailure(let step, let error):
            lines.append("replay ok: the run failed as recorded\(step.map { " at step \($0)" } ?? ""): \(error)")
        case .nonDeterministic(let error):
            lines.append("non-determinism at step \(error.step):")
            lines.append("  recorded: \(error.recorded.map { "\($0)" } ?? "nothing")")
            lines.append("  actual:   \(error.actual.map { "\($0)" } ?? "nothing (the code did not issue it)")")
        }
        return lines.joined(separator: "\n")
    }
}
