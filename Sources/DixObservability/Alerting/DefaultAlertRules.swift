import Foundation

/// The built-in rules, one per built-in ``AlertType``, with thresholds from the config.
public enum DefaultAlertRules {
    /// The default rules with `thresholds`; rules named in `disabled` (e.g. `["low_peer_count"]`,
    /// from the config) are included but disabled, so they can be enabled again at run time.
    public static func make(_ thresholds: AlertThresholds = AlertThresholds(), disabled: Set<String> = [])
        -> [AlertRule]
    {
        rules(thresholds).map { rule in
            var rule = rule
            if disabled.contains(rule.name) { rule.isEnabled = false }
            return rule
        }
    }

    private static func rules(_ thresholds: AlertThresholds) -> [AlertRule] {
        let resourceFor = Duration.seconds(thresholds.resourceForSeconds)
        return [
            AlertRule(name: "service_down", type: .serviceDown) { observation in
                if observation.running == false {
                    return AlertCondition(severity: .critical, message: "\(observation.service) is not running")
                }
                guard observation.healthy == false,
                      observation.consecutiveFailures >= thresholds.downAfterConsecutiveFailures
                else { return nil }
                return AlertCondition(
                    severity: .critical,
                    message: "\(observation.service) is down: \(observation.consecutiveFailures) failed checks"
                        + (observation.error.map { ", last: \($0)" } ?? ""))
            },
            AlertRule(name: "service_degraded", type: .serviceDegraded) { observation in
                guard observation.degraded == true else { return nil }
                return AlertCondition(
                    severity: .warning,
                    message: "\(observation.service) is degraded" + (observation.error.map { ": \($0)" } ?? ""))
            },
            AlertRule(name: "health_check_failed", type: .healthCheckFailed) { observation in
                guard observation.healthy == false else { return nil }
                return AlertCondition(
                    severity: .warning,
                    message: "health check of \(observation.service) failed"
                        + (observation.error.map { ": \($0)" } ?? ""))
            },
            AlertRule(name: "high_cpu", type: .highCPU, for: resourceFor) { observation in
                guard let cpu = observation.cpuPercent, cpu > thresholds.cpuWarningPercent else { return nil }
                let severity: AlertSeverity = cpu > thresholds.cpuCriticalPercent ? .critical : .warning
                return AlertCondition(
                    severity: severity, message: "\(observation.service) uses \(Self.format(cpu))% CPU")
            },
            AlertRule(name: "high_memory", type: .highMemory, for: resourceFor) { observation in
                guard let memory = observation.memoryBytes, memory > thresholds.memoryWarningBytes else { return nil }
                let severity: AlertSeverity = memory > thresholds.memoryCriticalBytes ? .critical : .warning
                return AlertCondition(
                    severity: severity,
                    message: "\(observation.service) uses \(Self.format(Double(memory) / 1_073_741_824)) GiB of memory")
            },
            AlertRule(name: "high_disk_io", type: .highDiskIO, for: resourceFor) { observation in
                guard let rate = observation.diskIOBytesPerSecond, rate > thresholds.diskIOWarningBytesPerSecond
                else { return nil }
                return AlertCondition(
                    severity: .warning,
                    message: "\(observation.service) does \(Self.format(rate / 1_000_000)) MB/s of disk I/O")
            },
            AlertRule(name: "restart_loop", type: .restartLoop) { observation in
                let windowStart = observation.time.addingTimeInterval(-thresholds.restartLoopWindowSeconds)
                let recent = observation.restarts.filter { $0 > windowStart && $0 <= observation.time }.count
                guard recent >= thresholds.restartLoopCount else { return nil }
                return AlertCondition(
                    severity: .critical,
                    message: "\(observation.service) restarted \(recent) times in "
                        + "\(Int(thresholds.restartLoopWindowSeconds / 60)) minutes")
            },
            AlertRule(name: "sync_stalled", type: .syncStalled, for: .seconds(thresholds.syncStalledForSeconds)) {
                observation in
                guard observation.synced == false,
                      let behind = observation.blocksBehind, behind >= thresholds.syncStalledBlocksBehind
                else { return nil }
                return AlertCondition(
                    severity: .warning, message: "\(observation.service) is \(behind) blocks behind and not catching up",
                    labels: observation.chain.map { ["chain": $0] } ?? [:])
            },
            AlertRule(name: "low_peer_count", type: .lowPeerCount, for: .seconds(60)) { observation in
                guard let peers = observation.peers, peers < thresholds.minimumPeers else { return nil }
                return AlertCondition(
                    severity: .warning, message: "\(observation.service) has \(peers) peers",
                    labels: observation.chain.map { ["chain": $0] } ?? [:])
            },
            AlertRule(name: "dependency_timeout", type: .dependencyTimeout) { observation in
                guard let dependency = observation.timedOutDependency else { return nil }
                return AlertCondition(
                    severity: .warning, message: "\(observation.service) timed out waiting for \(dependency)",
                    labels: ["dependency": dependency])
            },
            AlertRule(name: "circuit_open", type: .circuitOpen) { observation in
                guard let breaker = observation.openCircuits.sorted().first else { return nil }
                return AlertCondition(
                    severity: .warning, message: "circuit breaker \(breaker) of \(observation.service) is open",
                    labels: ["breaker": breaker])
            },
        ]
    }

    static func format(_ value: Double) -> String {
        String(format: "%.1f", value)
    }
}
