/// The pure state of an error budget: an SLO target over a window, the share of the budget
/// consumed, and burn rates over the windows of its alert conditions.
///
/// The budget is `1 - target` of all events in the window; consumed is the observed error
/// rate over that budget (above 1 once overspent); a burn rate of 1 spends exactly the budget
/// over the SLO window.
///
/// ```swift
/// var budget = ErrorBudget(target: 0.999, window: .seconds(30 * 86_400))
/// budget.record(success: false, now: now)
/// let fast = budget.burnRate(over: .seconds(3600), now: now)
/// ```
public struct ErrorBudget: Sendable {
    /// One alert condition's current burn rates.
    public struct AlertStatus: Sendable, Hashable {
        /// The condition.
        public var alert: BurnRateAlert
        /// The burn rate over its long window.
        public var longBurnRate: Double
        /// The burn rate over its short window.
        public var shortBurnRate: Double
        /// Whether both reach the threshold.
        public var isFiring: Bool { longBurnRate >= alert.threshold && shortBurnRate >= alert.threshold }
    }

    /// The SLO target, e.g. 0.999.
    public let target: Double
    /// The SLO window, e.g. 30 days.
    public let window: Duration
    /// The alert conditions evaluated by ``alertStatuses(now:)``.
    public let alerts: [BurnRateAlert]
    private var sloWindow: SlidingWindow
    private var burnWindows: [Duration: SlidingWindow] = [:]

    /// Creates an empty budget; the SLO window is kept in `buckets` buckets, each burn-rate
    /// window in 60.
    public init(
        target: Double, window: Duration, alerts: [BurnRateAlert] = [.fastBurn, .mediumBurn, .slowBurn],
        buckets: Int = 720
    ) {
        self.target = min(max(target, 0), 1)
        self.window = window
        self.alerts = alerts
        self.sloWindow = SlidingWindow(.time(window, buckets: buckets))
        for alert in alerts {
            for duration in [alert.longWindow, alert.shortWindow] where burnWindows[duration] == nil {
                burnWindows[duration] = SlidingWindow(.time(duration, buckets: 60))
            }
        }
    }

    /// Records one event (a request, a check) at `now` nanoseconds.
    public mutating func record(success: Bool, now: UInt64) {
        sloWindow.record(failure: !success, slow: false, now: now)
        for key in burnWindows.keys {
            burnWindows[key]!.record(failure: !success, slow: false, now: now)
        }
    }

    /// The share of the budget spent over the SLO window: 0 untouched, 1 exhausted, above 1 overspent.
    public mutating func consumed(now: UInt64) -> Double {
        burn(sloWindow.totals(at: now))
    }

    /// The share of the budget left: `1 - consumed`, negative once overspent.
    public mutating func remaining(now: UInt64) -> Double {
        1 - consumed(now: now)
    }

    /// The burn rate over `duration`, which must be one of the alert windows; nil otherwise.
    public mutating func burnRate(over duration: Duration, now: UInt64) -> Double? {
        guard burnWindows[duration] != nil else { return nil }
        return burn(burnWindows[duration]!.totals(at: now))
    }

    /// The burn rates of every alert condition.
    public mutating func alertStatuses(now: UInt64) -> [AlertStatus] {
        alerts.map { alert in
            AlertStatus(
                alert: alert,
                longBurnRate: burnRate(over: alert.longWindow, now: now) ?? 0,
                shortBurnRate: burnRate(over: alert.shortWindow, now: now) ?? 0)
        }
    }

    /// The error rate of `totals` over the allowed error rate.
    private func burn(_ totals: SlidingWindow.Totals) -> Double {
        let allowed = 1 - target
        guard totals.calls > 0 else { return 0 }
        guard allowed > 0 else { return totals.failures > 0 ? .infinity : 0 }
        return totals.failureRate / allowed
    }
}
