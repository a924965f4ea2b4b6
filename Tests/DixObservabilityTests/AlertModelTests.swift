import DixObservability
import Foundation
import Testing

@Suite("Alert model")
struct AlertModelTests {
    @Test func fingerprintIsAlertmanagersLabelSetFingerprint() {
        // Reference values from Prometheus' common/model signature tests.
        #expect(Alert.fingerprint(of: [:]) == String(14_695_981_039_346_656_037 as UInt64, radix: 16))
        #expect(Alert.fingerprint(of: ["name": "garland, briggs", "fear": "love is not enough"]) == "507a62d79ee76c9a")
    }

    @Test func identityIsTheLabelsNotTheMessageOrTime() {
        let first = Alert(type: .highCPU, severity: .warning, service: "geth", message: "CPU 85%",
                          startsAt: Date(timeIntervalSince1970: 0))
        var second = first
        second.message = "CPU 91%"
        second.startsAt = Date()
        #expect(first.fingerprint == second.fingerprint)
        var critical = first
        critical.severity = .critical
        #expect(critical.fingerprint != first.fingerprint)
        #expect(first.allLabels == ["alertname": "high_cpu", "service": "geth", "severity": "warning"])
    }

    @Test func severitiesAreOrdered() {
        #expect(AlertSeverity.info < .warning)
        #expect(AlertSeverity.warning < .critical)
    }
}
