import CoreMetrics
import Foundation

/// Turns observations into alerts: evaluates the rules, deduplicates, notifies the channels,
/// records history and keeps the alert metrics.
///
/// ```swift
/// let dispatcher = AlertDispatcher(channels: [LogAlertChannel(), WebhookAlertChannel(url: hook)])
/// let alerts = try AlertManager(rules: DefaultAlertRules.make(thresholds), dispatcher: dispatcher,
///                               history: history)
/// await alerts.observe(ServiceObservation(service: "geth", healthy: false, consecutiveFailures: 3))
/// ```
public actor AlertManager {
    public struct Configuration: Sendable {
        /// The dedupe window: a firing alert is notified again only after this long (5 minutes by default).
        public var repeatInterval: Duration

        public init(repeatInterval: Duration = .seconds(300)) {
            self.repeatInterval = repeatInterval
        }
    }

    public let configuration: Configuration
    private var engine: AlertRuleEngine
    /// Alerts raised directly through ``fire(_:)`` rather than by a rule, by fingerprint.
    private var raised: [String: Alert] = [:]
    private var lastNotified: [String: Date] = [:]
    /// Alerts left firing by a previous process, by fingerprint, until their service's next observation.
    private var resumed: [String: AlertRecord] = [:]
    private let dispatcher: AlertDispatcher
    private let history: HealthHistory?
    private let metricsFactory: (any MetricsFactory)?

    public init(
        rules: [AlertRule] = DefaultAlertRules.make(), configuration: Configuration = Configuration(),
        dispatcher: AlertDispatcher, history: HealthHistory? = nil, metricsFactory: (any MetricsFactory)? = nil
    ) throws {
        self.engine = try AlertRuleEngine(rules: rules)
        self.configuration = configuration
        self.dispatcher = dispatcher
        self.history = history
        self.metricsFactory = metricsFactory
    }

    /// Alerts firing now, oldest first.
    public var activeAlerts: [Alert] {
        (engine.firingAlerts + raised.values).sorted { ($0.startsAt, $0.fingerprint) < ($1.startsAt, $1.fingerprint) }
    }

    /// The rules in force, by name, with whether each is enabled.
    public var rules: [(name: String, enabled: Bool)] {
        engine.rules.map { ($0.name, $0.isEnabled) }
    }

    public func setRule(named name: String, enabled: Bool) throws {
        try engine.setEnabled(enabled, rule: name)
    }

    public func addRule(_ rule: AlertRule) throws {
        try engine.add(rule)
    }

    /// Evaluates the rules against the observation and notifies what fired, resolved or is due a repeat.
    @discardableResult
    public func observe(_ observation: ServiceObservation) -> [AlertTransition] {
        var transitions: [AlertTransition] = []
        for transition in engine.evaluate(observation) {
            if case .fired(let alert) = transition, resumed.removeValue(forKey: alert.fingerprint) != nil {
                // Still firing since before the restart: already notified and recorded. Its repeat
                // interval starts now, as nothing says when it was last notified.
                lastNotified[alert.fingerprint] = observation.time
                continue
            }
            handle(transition, at: observation.time)
            transitions.append(transition)
        }
        let firing = Set(engine.firingAlerts.map(\.fingerprint))
        for (fingerprint, record) in resumed.sorted(by: { $0.key < $1.key })
        where record.service == observation.service && !firing.contains(fingerprint) {
            resumed[fingerprint] = nil
            let alert = Alert(
                type: AlertType(rawValue: record.type),
                severity: AlertSeverity(rawValue: record.severity) ?? .warning, service: record.service,
                message: record.message, labels: record.labels ?? [:], startsAt: record.fired, endsAt: observation.time)
            resolveResumed(alert, fingerprint: fingerprint, at: observation.time)
            transitions.append(.resolved(alert))
        }
        for alert in engine.firingAlerts where alert.service == observation.service {
            repeatIfDue(alert, at: observation.time)
        }
        return transitions
    }

    /// Takes over the alerts a previous process left firing (``HealthHistory/unresolvedAlerts()``):
    /// the first observation of each one's service either finds its condition still holding (the
    /// alert goes on, without a second notification) or resolves it. Alerts no rule raises stay as
    /// they are.
    public func resume(_ records: [AlertRecord]) {
        for record in records where record.resolved == nil {
            guard engine.resume(type: AlertType(rawValue: record.type), service: record.service, since: record.fired)
            else { continue }
            resumed[record.fingerprint] = record
            gauge(MetricCatalog.alertsActive.name, [("type", record.type), ("severity", record.severity), ("service", record.service)])
                .record(1)
        }
    }

    private func resolveResumed(_ alert: Alert, fingerprint: String, at time: Date) {
        history?.recordAlertResolved(fingerprint: fingerprint, at: time)
        gauge(MetricCatalog.alertsActive.name, [("type", alert.type.rawValue), ("severity", alert.severity.rawValue), ("service", alert.service)])
            .record(0)
        dispatcher.enqueue(AlertNotification(alert: alert))
    }

    /// Raises an alert that no rule produces (a breaker opening, a workflow failing); raising one
    /// already firing only repeats it once the repeat interval has passed.
    public func fire(_ alert: Alert) {
        var alert = alert
        alert.endsAt = nil
        if raised[alert.fingerprint] != nil {
            repeatIfDue(alert, at: alert.startsAt)
            return
        }
        raised[alert.fingerprint] = alert
        handle(.fired(alert), at: alert.startsAt)
    }

    /// Resolves an alert raised with ``fire(_:)``.
    public func resolve(fingerprint: String, at time: Date = Date()) {
        guard var alert = raised.removeValue(forKey: fingerprint) else { return }
        alert.endsAt = time
        handle(.resolved(alert), at: time)
    }

    private func handle(_ transition: AlertTransition, at time: Date) {
        let alert = transition.alert
        let active = [("type", alert.type.rawValue), ("severity", alert.severity.rawValue), ("service", alert.service)]
        switch transition {
        case .fired:
            lastNotified[alert.fingerprint] = time
            history?.recordAlertFired(AlertRecord(
                fingerprint: alert.fingerprint, type: alert.type.rawValue, severity: alert.severity.rawValue,
                service: alert.service, message: alert.message, fired: alert.startsAt, labels: alert.labels))
            counter(MetricCatalog.alertsFired.name, [("type", alert.type.rawValue), ("severity", alert.severity.rawValue)])
                .increment()
            gauge(MetricCatalog.alertsActive.name, active).record(1)
        case .resolved:
            lastNotified[alert.fingerprint] = nil
            history?.recordAlertResolved(fingerprint: alert.fingerprint, at: alert.endsAt ?? time)
            gauge(MetricCatalog.alertsActive.name, active).record(0)
        }
        dispatcher.enqueue(AlertNotification(alert: alert))
    }

    private func repeatIfDue(_ alert: Alert, at time: Date) {
        guard let last = lastNotified[alert.fingerprint],
              time.timeIntervalSince(last) >= configuration.repeatInterval.seconds
        else { return }
        lastNotified[alert.fingerprint] = time
        dispatcher.enqueue(AlertNotification(alert: alert, isRepeat: true))
    }

    private func counter(_ label: String, _ dimensions: [(String, String)]) -> Counter {
        metricsFactory.map { Counter(label: label, dimensions: dimensions, factory: $0) }
            ?? Counter(label: label, dimensions: dimensions)
    }

    private func gauge(_ label: String, _ dimensions: [(String, String)]) -> Gauge {
        metricsFactory.map { Gauge(label: label, dimensions: dimensions, factory: $0) }
            ?? Gauge(label: label, dimensions: dimensions)
    }
}
