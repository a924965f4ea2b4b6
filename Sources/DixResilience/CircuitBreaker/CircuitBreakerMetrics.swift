import CoreMetrics

/// The metric handles of one circuit breaker, created once so that recording a call is a
/// couple of calls on existing handles.
///
/// One family per measure, the breaker's name in the `name` label:
/// `circuit_breaker_state`, `circuit_breaker_calls_total{result}`,
/// `circuit_breaker_state_changes_total{from,to}`, `circuit_breaker_call_duration_seconds`,
/// `circuit_breaker_failures_total{error}`, `circuit_breaker_success_ratio`,
/// `circuit_breaker_health_score`.
final class CircuitBreakerMetrics: Sendable {
    let name: String
    let factory: any MetricsFactory
    let success: Counter
    let slow: Counter
    let failed: Counter
    let rejected: Counter
    let ignored: Counter
    let duration: CoreMetrics.Timer
    let stateGauge: Gauge
    let successRatio: Gauge
    let healthScore: Gauge

    init(name: String, factory: (any MetricsFactory)?) {
        let factory = factory ?? MetricsSystem.factory
        self.name = name
        self.factory = factory
        func calls(_ result: String) -> Counter {
            Counter(label: "circuit_breaker_calls_total", dimensions: [("name", name), ("result", result)], factory: factory)
        }
        success = calls("success")
        slow = calls("slow")
        failed = calls("failure")
        rejected = calls("rejected")
        ignored = calls("ignored")
        duration = CoreMetrics.Timer(
            label: "circuit_breaker_call_duration_seconds", dimensions: [("name", name)],
            preferredDisplayUnit: .seconds, factory: factory)
        stateGauge = Gauge(label: "circuit_breaker_state", dimensions: [("name", name)], factory: factory)
        successRatio = Gauge(label: "circuit_breaker_success_ratio", dimensions: [("name", name)], factory: factory)
        healthScore = Gauge(label: "circuit_breaker_health_score", dimensions: [("name", name)], factory: factory)
    }

    /// Records a failed call, by error type.
    func failure(_ error: (any Error)?) {
        failed.increment()
        let type = error.map { String(describing: Swift.type(of: $0)) } ?? "unknown"
        Counter(label: "circuit_breaker_failures_total", dimensions: [("name", name), ("error", type)], factory: factory)
            .increment()
    }

    /// Records a state change.
    func transition(_ change: CircuitBreaker.StateChange) {
        state(change.to)
        Counter(
            label: "circuit_breaker_state_changes_total",
            dimensions: [("name", name), ("from", change.from.description), ("to", change.to.description)],
            factory: factory
        ).increment()
    }

    /// Sets the state gauge: 0 closed, 1 open, 2 half-open, 3 forced-open, 4 disabled, 5 metrics-only.
    func state(_ state: CircuitBreaker.State) {
        stateGauge.record(Int64(state.rawValue))
    }

    /// Sets the success-ratio and health-score gauges.
    func scores(successRatio ratio: Double, health: Double) {
        successRatio.record(ratio)
        healthScore.record(health)
    }
}
