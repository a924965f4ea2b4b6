import CoreMetrics
import Synchronization

/// A shared ``ErrorBudget`` that reports to metrics: `error_budget_remaining`,
/// `error_budget_consumed` and `error_budget_burn_rate{window}`, each labelled with `name`.
///
/// ```swift
/// let budget = ErrorBudgetTracker(name: "api-availability", target: 0.999, window: .seconds(30 * 86_400))
/// budget.record(success: response.status < 500)
/// if budget.snapshot().alerts.contains(where: \.isFiring) { page() }
/// ```
public final class ErrorBudgetTracker: Sendable {
    /// The budget's state at one moment.
    public struct Snapshot: Sendable, Hashable {
        /// The share of the budget left (negative once overspent).
        public var remaining: Double
        /// The share of the budget spent.
        public var consumed: Double
        /// Each alert condition's burn rates.
        public var alerts: [ErrorBudget.AlertStatus]
    }

    /// The budget's name, also its metric label.
    public let name: String
    private let budget: Mutex<ErrorBudget>
    private let timeSource: TimeSource
    private let remainingGauge: Gauge
    private let consumedGauge: Gauge
    private let burnRateGauges: [(Duration, Gauge)]

    /// Creates an empty budget.
    public init(
        name: String, target: Double, window: Duration, alerts: [BurnRateAlert] = [.fastBurn, .mediumBurn, .slowBurn],
        timeSource: TimeSource = .coarseMonotonic, metricsFactory: (any MetricsFactory)? = nil
    ) {
        let factory = metricsFactory ?? MetricsSystem.factory
        self.name = name
        self.timeSource = timeSource
        self.budget = Mutex(ErrorBudget(target: target, window: window, alerts: alerts))
        remainingGauge = Gauge(label: "error_budget_remaining", dimensions: [("name", name)], factory: factory)
        consumedGauge = Gauge(label: "error_budget_consumed", dimensions: [("name", name)], factory: factory)
        var windows: [Duration] = []
        for alert in alerts {
            for duration in [alert.longWindow, alert.shortWindow] where !windows.contains(duration) {
                windows.append(duration)
            }
        }
        burnRateGauges = windows.map { duration in
            let label = Self.windowLabel(duration)
            return (duration, Gauge(label: "error_budget_burn_rate", dimensions: [("name", name), ("window", label)], factory: factory))
        }
    }

    /// Records one event.
    public func record(success: Bool) {
        let now = timeSource.now()
        budget.withLock { $0.record(success: success, now: now) }
    }

    /// The budget now; also refreshes the gauges.
    public func snapshot() -> Snapshot {
        let now = timeSource.now()
        let (snapshot, rates) = budget.withLock { budget in
            let snapshot = Snapshot(
                remaining: budget.remaining(now: now), consumed: budget.consumed(now: now),
                alerts: budget.alertStatuses(now: now))
            let rates = burnRateGauges.map { budget.burnRate(over: $0.0, now: now) ?? 0 }
            return (snapshot, rates)
        }
        remainingGauge.record(snapshot.remaining)
        consumedGauge.record(snapshot.consumed)
        for (index, rate) in rates.enumerated() { burnRateGauges[index].1.record(rate) }
        return snapshot
    }

    /// A Prometheus-style duration label: `5m`, `1h`, `3d`, `90s`.
    static func windowLabel(_ duration: Duration) -> String {
        let seconds = Int64(duration.seconds.rounded())
        if seconds % 86_400 == 0 { return "\(seconds / 86_400)d" }
        if seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }
}
