import DixObservability
import Foundation

/// Where a monitor's rounds go, in this order: health history, metrics, alert rules.
///
/// ```swift
/// let recorder = HealthRecorder(observability)
/// let transitions = await recorder.record(report)   // ["fired service_down critical"]
/// ```
public struct HealthRecorder: Sendable {
    public let history: HealthHistory
    public let metrics: ServiceMetrics
    public let alerts: AlertManager

    public init(history: HealthHistory, metrics: ServiceMetrics, alerts: AlertManager) {
        self.history = history
        self.metrics = metrics
        self.alerts = alerts
    }

    public init(_ observability: Observability) {
        self.init(history: observability.history, metrics: observability.serviceMetrics, alerts: observability.alerts)
    }

    /// Records `report` and returns the alert transitions it caused, e.g. `fired service_down critical`.
    public func record(_ report: HealthReport) async -> [String] {
        let diskIO = report.diskReadBytesPerSecond.map { $0 + (report.diskWriteBytesPerSecond ?? 0) }
        history.record(HealthEvent(
            service: report.service, type: report.checkType, chain: report.chain, healthy: report.healthy,
            cpuPercent: report.cpuPercent, memoryBytes: report.memoryBytes, diskIOBytesPerSecond: diskIO,
            peers: report.peers, synced: report.synced, error: report.error, time: report.time))
        for restart in report.restarts {
            history.recordRestart(RestartEvent(
                service: report.service, reason: restart.reason, success: restart.success, time: restart.time))
        }

        metrics.recordHealth(service: report.service, healthy: report.healthy, at: report.time)
        metrics.recordResources(
            service: report.service, cpuPercent: report.cpuPercent, memoryBytes: report.memoryBytes,
            diskReadBytesPerSecond: report.diskReadBytesPerSecond, diskWriteBytesPerSecond: report.diskWriteBytesPerSecond)
        metrics.recordNode(
            service: report.service, synced: report.synced, peers: report.peers, blocksBehind: report.blocksBehind)
        for restart in report.restarts where restart.success {
            metrics.recordRestart(service: report.service)
        }

        let transitions = await alerts.observe(ServiceObservation(
            service: report.service, time: report.time, healthy: report.healthy,
            consecutiveFailures: report.consecutiveFailures, running: report.running, error: report.error,
            cpuPercent: report.cpuPercent, memoryBytes: report.memoryBytes, diskIOBytesPerSecond: diskIO,
            restarts: report.recentRestarts, synced: report.synced, blocksBehind: report.blocksBehind,
            peers: report.peers, chain: report.chain, openCircuits: report.openCircuits))
        return transitions.map { transition in
            let alert = transition.alert
            let verb = if case .fired = transition { "fired" } else { "resolved" }
            return "\(verb) \(alert.type.rawValue) \(alert.severity.rawValue)"
        }
    }
}
