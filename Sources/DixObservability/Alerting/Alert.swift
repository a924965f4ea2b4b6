import Foundation

/// An alert: a condition on a service that an operator should know about.
///
/// Its identity is the ``fingerprint`` of its label set, computed as Alertmanager does, so the
/// same condition on the same service is one alert however often it is evaluated, and receivers
/// that deduplicate by fingerprint see the same value Alertmanager would send.
public struct Alert: Sendable, Hashable, Codable {
    public var type: AlertType
    public var severity: AlertSeverity
    public var service: String
    /// A sentence for people: what is wrong, with the observed value.
    public var message: String
    /// Extra labels (chain, dependency, breaker, ...); `alertname`, `service` and `severity` are added.
    public var labels: [String: String]
    /// When the condition started to hold (after its `for` duration, when it fired).
    public var startsAt: Date
    /// When the alert resolved; nil while firing.
    public var endsAt: Date?

    public init(
        type: AlertType, severity: AlertSeverity, service: String, message: String, labels: [String: String] = [:],
        startsAt: Date, endsAt: Date? = nil
    ) {
        self.type = type
        self.severity = severity
        self.service = service
        self.message = message
        self.labels = labels
        self.startsAt = startsAt
        self.endsAt = endsAt
    }

    /// Whether the alert is firing (not yet resolved).
    public var isFiring: Bool { endsAt == nil }

    /// The full label set: the extra labels plus `alertname`, `service` and `severity`.
    public var allLabels: [String: String] {
        var all = labels
        all["alertname"] = type.rawValue
        all["service"] = service
        all["severity"] = severity.rawValue
        return all
    }

    /// Alertmanager's fingerprint of ``allLabels``: 64-bit FNV-1a over the sorted label names and
    /// values, each followed by a 0xFF separator, as 16 lowercase hex digits.
    public var fingerprint: String {
        Self.fingerprint(of: allLabels)
    }

    /// Alertmanager's label-set fingerprint (Prometheus `model.LabelSet.Fingerprint`).
    public static func fingerprint(of labels: [String: String]) -> String {
        var hash: UInt64 = 14_695_981_039_346_656_037
        func add<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
            for byte in bytes {
                hash ^= UInt64(byte)
                hash &*= 1_099_511_628_211
            }
        }
        for name in labels.keys.sorted() {
            add(name.utf8)
            add(CollectionOfOne(0xFF))
            add(labels[name]!.utf8)
            add(CollectionOfOne(0xFF))
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
