import DixEngine
import DixServices
import Foundation

/// Keeps one service checked: every round asks the service manager for its state, samples its
/// processes, runs its HTTP and node sync checks, then records the round in health history,
/// metrics and alert rules (``RecordHealthActivity``), and restarts the service after the
/// configured number of failed rounds.
///
/// Every check is an activity, so the engine retries it and the round is durable; the checks
/// run through the service's circuit breakers. The monitor waits `intervalSeconds` for the
/// `reconfigure` signal (a new ``ServiceMonitorSpec``) between rounds and continues as a new run
/// every `roundsPerRun` rounds. Cancel it to stop monitoring.
///
/// ```sh
/// dixctl workflow show monitor/nginx
/// dixctl workflow signal monitor/nginx reconfigure --payload '{"service": "nginx", ...}'
/// ```
public struct ServiceMonitorWorkflow: Workflow {
    public static let name = "monitor.service"
    /// A monitor leaves a closed run every `roundsPerRun` rounds; its rounds are in health
    /// history, so the runs are kept a day rather than the worker's 30.
    public static let retention: Duration? = .seconds(86_400)

    /// The signal that replaces the spec of a running monitor.
    public static let reconfigureSignal = "reconfigure"

    public init() {}

    /// The workflow ID of the monitor of `service`.
    public static func workflowID(for service: String) -> String { "monitor/\(service)" }

    public func run(_ input: ServiceMonitorInput, context: WorkflowContext) async throws -> ServiceMonitorState {
        var spec = input.spec
        var state = input.state
        if let problem = spec.problem { throw ApplicationError(problem, type: "InvalidMonitorSpec", nonRetryable: true) }
        for _ in 0..<spec.roundsPerRun {
            var report = try await checkRound(spec, state: &state, context: context)
            try await restartIfDue(spec, report: &report, state: &state, context: context)
            report.recentRestarts = state.recentRestarts
            let transitions = try await context.execute(RecordHealthActivity.self, report, options: Self.localOptions)
            for transition in transitions {
                context.logger.notice("alert \(transition)", metadata: ["service": "\(spec.service)"])
            }
            state.rounds += 1
            if let next = try await context.waitForSignal(
                Self.reconfigureSignal, as: ServiceMonitorSpec.self, timeout: .seconds(spec.intervalSeconds))
            {
                if let problem = next.problem, next.service == spec.service {
                    context.logger.error("ignored reconfigure signal: \(problem)")
                } else if next.service != spec.service {
                    context.logger.error("ignored reconfigure signal for another service (\(next.service))")
                } else {
                    spec = next
                }
            }
        }
        throw ContinueAsNew(input: ServiceMonitorInput(spec: spec, state: state))
    }

    /// Runs every configured check once; a check that fails for good makes the round unhealthy.
    private func checkRound(
        _ spec: ServiceMonitorSpec, state: inout ServiceMonitorState, context: WorkflowContext
    ) async throws -> HealthReport {
        let now = context.now()
        var report = HealthReport(service: spec.service, checkType: spec.checkType, chain: spec.chain, time: now)
        var failures: [String] = []
        state.recentRestarts.removeAll { $0 < now.addingTimeInterval(-3_600) }

        var pid: Int32?
        if spec.checkStatus {
            do {
                let status = try await context.execute(
                    ServiceStatusActivity.self, ServiceRequest(service: spec.service), options: Self.localOptions)
                report.running = status.isActive
                pid = status.mainPID
                if !status.isActive { failures.append("\(spec.service) is \(status.activeState) (\(status.subState))") }
                if let previous = state.managerRestartCount, status.restartCount > previous {
                    let count = status.restartCount - previous
                    for _ in 0..<count {
                        report.restarts.append(RestartReport(reason: "restarted by the service manager", success: true, time: now))
                        state.recentRestarts.append(now)
                    }
                }
                state.managerRestartCount = status.restartCount
            } catch let failure as ActivityFailure {
                failures.append("status: \(failure.cause.message)")
            }
        }
        if spec.sampleResources, let pid {
            do {
                let sample = try await context.execute(
                    ResourceSampleActivity.self, ResourceSampleRequest(pid: pid, includeChildren: true, window: .seconds(1)),
                    options: Self.localOptions)
                if let usage = sample.usage {
                    report.cpuPercent = usage.cpuPercent
                    report.memoryBytes = Int64(clamping: usage.residentMemoryBytes)
                    report.diskReadBytesPerSecond = usage.diskReadBytesPerSecond
                    report.diskWriteBytesPerSecond = usage.diskWriteBytesPerSecond
                }
            } catch is ActivityFailure {
                // A failed sample leaves the figures out; it says nothing about the service's health.
            }
        }
        if let http = spec.http {
            do {
                _ = try await context.execute(
                    MonitorHTTPCheckActivity.self, MonitoredCheck(service: spec.service, check: http),
                    options: checkOptions(spec, timeout: http.timeout))
            } catch let failure as ActivityFailure {
                failures.append("http: \(failure.cause.message)")
                if failure.cause.type == circuitOpenErrorType {
                    report.openCircuits.append(monitorBreakerName(service: spec.service, check: MonitorHTTPCheckActivity.breakerCheck))
                }
            }
        }
        if var nodeSync = spec.nodeSync {
            nodeSync.previousProgress = state.nodeProgress
            do {
                let result = try await context.execute(
                    MonitorNodeSyncActivity.self, MonitoredCheck(service: spec.service, check: nodeSync),
                    options: checkOptions(spec, timeout: nodeSync.timeout * 3))
                state.nodeProgress = result.progress
                report.synced = result.synced
                report.peers = result.peers
                report.blocksBehind = Int(clamping: result.blocksBehind)
                if !result.healthy { failures.append("node sync: \(result.problems.joined(separator: ", "))") }
            } catch let failure as ActivityFailure {
                failures.append("node sync: \(failure.cause.message)")
                if failure.cause.type == circuitOpenErrorType {
                    report.openCircuits.append(monitorBreakerName(service: spec.service, check: MonitorNodeSyncActivity.breakerCheck))
                }
            }
        }

        report.healthy = failures.isEmpty
        report.error = failures.isEmpty ? nil : failures.joined(separator: "; ")
        state.consecutiveFailures = report.healthy ? 0 : state.consecutiveFailures + 1
        report.consecutiveFailures = state.consecutiveFailures
        return report
    }

    /// Restarts the service when it has failed `restartAfterFailures` rounds in a row (and each
    /// time as many more fail).
    private func restartIfDue(
        _ spec: ServiceMonitorSpec, report: inout HealthReport, state: inout ServiceMonitorState, context: WorkflowContext
    ) async throws {
        guard spec.restartAfterFailures > 0, state.consecutiveFailures > 0,
              state.consecutiveFailures % spec.restartAfterFailures == 0
        else { return }
        let reason = "\(state.consecutiveFailures) failed checks in a row"
        do {
            let result = try await context.execute(
                MonitorRestartActivity.self, ServiceRequest(service: spec.service), options: Self.localOptions)
            guard result.performed else {
                context.logger.notice("would restart \(spec.service): \(result.message)")
                return
            }
            report.restarts.append(RestartReport(reason: reason, success: true, time: report.time))
            if let count = result.status?.restartCount { state.managerRestartCount = count }
        } catch let failure as ActivityFailure {
            report.restarts.append(RestartReport(
                reason: "\(reason); restart failed: \(failure.cause.message)", success: false, time: report.time))
        }
        state.recentRestarts.append(report.time)
    }

    /// Status, sampling, restarts and recording: local and quick, a few attempts.
    static let localOptions = ActivityOptions(
        startToCloseTimeout: .seconds(60), retryPolicy: RetryPolicy(initialInterval: .seconds(1), maximumAttempts: 3))

    /// A check: `checkAttempts` attempts a second apart at first, each bounded by the check's timeout.
    private func checkOptions(_ spec: ServiceMonitorSpec, timeout: Duration) -> ActivityOptions {
        ActivityOptions(
            startToCloseTimeout: timeout + .seconds(5),
            retryPolicy: RetryPolicy(
                initialInterval: .seconds(1), maximumInterval: .seconds(10), maximumAttempts: spec.checkAttempts,
                nonRetryableErrorTypes: [circuitOpenErrorType]))
    }
}
