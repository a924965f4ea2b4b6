import DixObservability
import Foundation
import Testing

@Suite("Alert rules")
struct AlertRuleEngineTests {
    static let origin = Date(timeIntervalSince1970: 1_800_000_000)

    static func observation(
        _ service: String = "geth", at seconds: Double, healthy: Bool? = true, failures: Int = 0, cpu: Double? = nil,
        memory: Int64? = nil, disk: Double? = nil, restarts: [Double] = [], synced: Bool? = nil, behind: Int? = nil,
        peers: Int? = nil, dependency: String? = nil, circuits: [String] = [], running: Bool? = nil
    ) -> ServiceObservation {
        ServiceObservation(
            service: service, time: origin.addingTimeInterval(seconds), healthy: healthy, consecutiveFailures: failures,
            running: running, cpuPercent: cpu, memoryBytes: memory, diskIOBytesPerSecond: disk,
            restarts: restarts.map { origin.addingTimeInterval($0) }, synced: synced, blocksBehind: behind, peers: peers,
            timedOutDependency: dependency, openCircuits: circuits)
    }

    static func fired(_ transitions: [AlertTransition]) -> [String] {
        transitions.compactMap { if case .fired(let alert) = $0 { "\(alert.type):\(alert.severity)" } else { nil } }
    }

    static func resolved(_ transitions: [AlertTransition]) -> [String] {
        transitions.compactMap { if case .resolved(let alert) = $0 { "\(alert.type):\(alert.severity)" } else { nil } }
    }

    @Test func thereIsADefaultRuleForEveryBuiltInType() {
        let types = Set(DefaultAlertRules.make().map(\.type))
        #expect(types == Set(AlertType.builtIn))
    }

    @Test func cpuFiresAfterItsForDurationWithSeverityByThresholdAndResolves() throws {
        var engine = try AlertRuleEngine()
        #expect(engine.evaluate(Self.observation(at: 0, cpu: 85)).isEmpty)  // pending
        #expect(engine.evaluate(Self.observation(at: 60, cpu: 85)).isEmpty)
        let fired = engine.evaluate(Self.observation(at: 120, cpu: 85))
        #expect(Self.fired(fired) == ["high_cpu:warning"])
        #expect(fired.first?.alert.startsAt == Self.origin)
        // Escalation: the warning resolves and a critical alert replaces it at once.
        let escalated = engine.evaluate(Self.observation(at: 130, cpu: 97))
        #expect(Self.resolved(escalated) == ["high_cpu:warning"])
        #expect(Self.fired(escalated) == ["high_cpu:critical"])
        let cleared = engine.evaluate(Self.observation(at: 140, cpu: 10))
        #expect(Self.resolved(cleared) == ["high_cpu:critical"])
        #expect(cleared.first?.alert.endsAt == Self.origin.addingTimeInterval(140))
        #expect(engine.firingAlerts.isEmpty)
    }

    @Test func aConditionThatClearsWhilePendingNeverFires() throws {
        var engine = try AlertRuleEngine()
        _ = engine.evaluate(Self.observation(at: 0, memory: 3 << 30))
        _ = engine.evaluate(Self.observation(at: 100, memory: 1 << 30))
        #expect(engine.evaluate(Self.observation(at: 200, memory: 3 << 30)).isEmpty)
        #expect(Self.fired(engine.evaluate(Self.observation(at: 320, memory: 5 << 30))) == ["high_memory:critical"])
    }

    @Test func restartLoopIsThreeRestartsInTenMinutes() throws {
        var engine = try AlertRuleEngine()
        #expect(engine.evaluate(Self.observation(at: 1000, restarts: [100, 500, 900])).isEmpty)  // oldest is 15 min old
        #expect(Self.fired(engine.evaluate(Self.observation(at: 1000, restarts: [500, 900, 990]))) == ["restart_loop:critical"])
    }

    @Test func downFailingDegradedAndNodeRules() throws {
        var engine = try AlertRuleEngine()
        #expect(Self.fired(engine.evaluate(Self.observation(at: 0, healthy: false, failures: 1))) == ["health_check_failed:warning"])
        #expect(Self.fired(engine.evaluate(Self.observation(at: 15, healthy: false, failures: 3))) == ["service_down:critical"])
        let recovered = engine.evaluate(Self.observation(at: 30, healthy: true))
        #expect(Set(Self.resolved(recovered)) == ["health_check_failed:warning", "service_down:critical"])
        #expect(Self.fired(engine.evaluate(Self.observation("node", at: 0, peers: 1))).isEmpty)
        #expect(Self.fired(engine.evaluate(Self.observation("node", at: 60, peers: 1))) == ["low_peer_count:warning"])
        _ = engine.evaluate(Self.observation("lagging", at: 0, synced: false, behind: 500))
        #expect(Self.fired(engine.evaluate(Self.observation("lagging", at: 600, synced: false, behind: 400)))
                == ["sync_stalled:warning"])
        let dependency = engine.evaluate(Self.observation("api", at: 0, dependency: "postgres"))
        #expect(dependency.first?.alert.labels == ["dependency": "postgres"])
        #expect(Self.fired(engine.evaluate(Self.observation("rpc", at: 0, circuits: ["rpc-check"]))) == ["circuit_open:warning"])
        #expect(Self.fired(engine.evaluate(Self.observation("io", at: 0, disk: 2e8))).isEmpty)
        #expect(Self.fired(engine.evaluate(Self.observation("io", at: 120, disk: 2e8))) == ["high_disk_io:warning"])
        #expect(Self.fired(engine.evaluate(Self.observation("stopped", at: 0, healthy: nil, running: false)))
                == ["service_down:critical"])
    }

    @Test func configCanDisableDefaultRulesAndChangeThresholds() throws {
        var thresholds = AlertThresholds()
        thresholds.cpuWarningPercent = 50
        thresholds.resourceForSeconds = 0
        var engine = try AlertRuleEngine(rules: DefaultAlertRules.make(thresholds, disabled: ["health_check_failed"]))
        #expect(Self.fired(engine.evaluate(Self.observation(at: 0, healthy: false, failures: 1, cpu: 60)))
                == ["high_cpu:warning"])
    }

    @Test func rulesAreEnabledAndDisabledByNameAndCustomRulesAdd() throws {
        var engine = try AlertRuleEngine()
        try engine.setEnabled(false, rule: "health_check_failed")
        #expect(engine.evaluate(Self.observation(at: 0, healthy: false, failures: 1)).isEmpty)
        #expect(throws: AlertRuleError.self) { try engine.setEnabled(false, rule: "no_such_rule") }
        try engine.add(AlertRule(name: "too_many_peers", type: "too_many_peers") { observation in
            (observation.peers ?? 0) > 100 ? AlertCondition(severity: .info, message: "busy") : nil
        })
        #expect(Self.fired(engine.evaluate(Self.observation(at: 0, peers: 150))) == ["too_many_peers:info"])
        #expect(throws: AlertRuleError.self) {
            try engine.add(AlertRule(name: "high_cpu", type: .highCPU) { _ in nil })
        }
        // Disabling a rule resolves what it had fired.
        try engine.setEnabled(false, rule: "too_many_peers")
        #expect(Self.resolved(engine.evaluate(Self.observation(at: 1, peers: 150))) == ["too_many_peers:info"])
    }
}
