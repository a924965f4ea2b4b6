import Foundation

/// Evaluates alert rules against service observations: a pure state machine.
///
/// It keeps, per rule and service, since when the condition has held (for the `for` duration)
/// and which alert is firing; each evaluation returns the alerts that fired or resolved. Sending,
/// recording and counting them is the caller's business (``AlertManager``).
public struct AlertRuleEngine: Sendable {
    private struct Key: Hashable {
        var rule: String
        var service: String
    }

    public private(set) var rules: [AlertRule]
    private var pendingSince: [Key: Date] = [:]
    private var firing: [Key: Alert] = [:]

    /// Creates an engine; rule names must be unique.
    public init(rules: [AlertRule] = DefaultAlertRules.make()) throws {
        self.rules = []
        for rule in rules { try add(rule) }
    }

    /// Adds a custom rule.
    public mutating func add(_ rule: AlertRule) throws {
        guard !rules.contains(where: { $0.name == rule.name }) else {
            throw AlertRuleError(message: "an alert rule named '\(rule.name)' already exists")
        }
        rules.append(rule)
    }

    /// Enables or disables the rule named `name`; a disabled rule's alerts resolve at the next evaluation.
    public mutating func setEnabled(_ enabled: Bool, rule name: String) throws {
        guard let index = rules.firstIndex(where: { $0.name == name }) else {
            let known = rules.map(\.name).joined(separator: ", ")
            throw AlertRuleError(message: "no alert rule named '\(name)'; known rules: \(known)")
        }
        rules[index].isEnabled = enabled
    }

    /// Alerts currently firing.
    /// Counts the condition of the rule raising `type` as holding for `service` since `since`,
    /// as for an alert that was firing when the previous process stopped: if the condition still
    /// holds at the next evaluation, the alert fires with its original start, and so its
    /// original fingerprint. False when no rule raises `type`.
    @discardableResult
    public mutating func resume(type: AlertType, service: String, since: Date) -> Bool {
        guard let rule = rules.first(where: { $0.type == type }) else { return false }
        pendingSince[Key(rule: rule.name, service: service)] = since
        return true
    }

    public var firingAlerts: [Alert] {
        firing.values.sorted { ($0.startsAt, $0.fingerprint) < ($1.startsAt, $1.fingerprint) }
    }

    /// Applies every rule to the observation and returns what fired and what resolved.
    public mutating func evaluate(_ observation: ServiceObservation) -> [AlertTransition] {
        var transitions: [AlertTransition] = []
        let now = observation.time
        for rule in rules {
            let key = Key(rule: rule.name, service: observation.service)
            guard rule.isEnabled, let condition = rule.evaluate(observation) else {
                pendingSince[key] = nil
                if var alert = firing.removeValue(forKey: key) {
                    alert.endsAt = now
                    transitions.append(.resolved(alert))
                }
                continue
            }
            let candidate = Alert(
                type: rule.type, severity: condition.severity, service: observation.service,
                message: condition.message, labels: condition.labels, startsAt: pendingSince[key] ?? now)
            if let current = firing[key] {
                if current.fingerprint == candidate.fingerprint {
                    firing[key]?.message = condition.message
                } else {
                    // Severity or labels changed: a new alert replaces the old one at once.
                    var resolved = current
                    resolved.endsAt = now
                    var replacement = candidate
                    replacement.startsAt = now
                    firing[key] = replacement
                    transitions.append(.resolved(resolved))
                    transitions.append(.fired(replacement))
                }
                continue
            }
            let since = pendingSince[key] ?? now
            pendingSince[key] = since
            if now.timeIntervalSince(since) >= rule.forDuration.seconds {
                var alert = candidate
                alert.startsAt = since
                firing[key] = alert
                transitions.append(.fired(alert))
            }
        }
        return transitions
    }
}
