/// Every metric family dixmgr exposes, with its help text.
///
/// Emitters use the names here through swift-metrics, without importing this module's Prometheus
/// types, e.g. `Gauge(label: MetricCatalog.serviceHealth.name, dimensions: [("service", name)])`.
/// The namespaced factory looks families up here to give each its help text, type and buckets.
public enum MetricCatalog {
    static let secondsBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5),
        .seconds(10), .seconds(30), .seconds(60),
    ]
    static let workflowBuckets: [Duration] = [
        .milliseconds(10), .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5),
        .seconds(10), .seconds(30), .seconds(60), .seconds(300), .seconds(900), .seconds(3600),
    ]
    static let waitBuckets: [Duration] = [
        .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5), .seconds(10), .seconds(30),
        .seconds(60), .seconds(120), .seconds(300), .seconds(600),
    ]

    // MARK: Services

    public static let serviceHealth = MetricFamily(
        name: "service_health", kind: .gauge,
        help: "1 when the service's last health check passed, 0 when it failed.", labelNames: ["service"])
    public static let serviceRestarts = MetricFamily(
        name: "service_restarts_total", kind: .counter,
        help: "Restarts of the service performed by dixmgr.", labelNames: ["service"])
    public static let serviceDowntime = MetricFamily(
        name: "service_downtime_seconds_total", kind: .counter,
        help: "Seconds the service has spent unhealthy.", labelNames: ["service"])
    public static let serviceCPU = MetricFamily(
        name: "service_cpu_percent", kind: .gauge,
        help: "CPU use of the service's processes in percent of one core.", labelNames: ["service"])
    public static let serviceMemory = MetricFamily(
        name: "service_memory_bytes", kind: .gauge,
        help: "Resident memory of the service's processes in bytes.", labelNames: ["service"])
    public static let serviceDiskIO = MetricFamily(
        name: "service_disk_io_bytes_per_second", kind: .gauge,
        help: "Disk I/O rate of the service's processes in bytes per second, by direction (read, write).",
        labelNames: ["service", "direction"])

    // MARK: Workflows and activities

    public static let workflowExecutions = MetricFamily(
        name: "workflow_executions_total", kind: .counter,
        help: "Workflow runs that reached a status, by workflow type and status.", labelNames: ["type", "status"])
    public static let workflowDuration = MetricFamily(
        name: "workflow_duration_seconds", kind: .durationHistogram(buckets: workflowBuckets),
        help: "Wall-clock duration of workflow runs in seconds, by workflow type.", labelNames: ["type"])
    public static let workflowHistoryWarnings = MetricFamily(
        name: "workflow_history_warnings_total", kind: .counter,
        help: "Runs whose history grew past the warning size (they should continue-as-new), by workflow type.",
        labelNames: ["type"])
    public static let activityExecutions = MetricFamily(
        name: "activity_executions_total", kind: .counter,
        help: "Activity attempts that finished, by activity type and status.", labelNames: ["type", "status"])
    public static let activityDuration = MetricFamily(
        name: "activity_duration_seconds", kind: .durationHistogram(buckets: secondsBuckets),
        help: "Duration of activity attempts in seconds, by activity type.", labelNames: ["type"])
    public static let activityErrors = MetricFamily(
        name: "activity_errors_total", kind: .counter,
        help: "Failed activity attempts, by activity type and error type.", labelNames: ["type", "error_type"])

    // MARK: Blockchain nodes

    public static let nodeSyncStatus = MetricFamily(
        name: "node_sync_status", kind: .gauge,
        help: "1 when the node reports itself synced, 0 while syncing.", labelNames: ["service"])
    /// Peers of a node. Named `node_peers`, not `node_peer_count`: Prometheus reserves the `_count`
    /// suffix for histograms and summaries and `promtool check metrics` rejects it on a gauge.
    /// Emitters using `node_peer_count` are mapped here (see ``aliases``).
    public static let nodePeers = MetricFamily(
        name: "node_peers", kind: .gauge,
        help: "Peers the node is connected to.", labelNames: ["service"])
    public static let nodeBlocksBehind = MetricFamily(
        name: "node_blocks_behind", kind: .gauge,
        help: "Blocks the node is behind the highest known block.", labelNames: ["service"])

    // MARK: Dependencies

    public static let dependencyWaitTime = MetricFamily(
        name: "dependency_wait_time_seconds", kind: .durationHistogram(buckets: waitBuckets),
        help: "Seconds a service waited for its dependencies to become healthy.",
        labelNames: ["service", "dependency"])
    public static let dependencyTimeouts = MetricFamily(
        name: "dependency_timeouts_total", kind: .counter,
        help: "Waits for a dependency that timed out.", labelNames: ["service", "dependency"])

    // MARK: Alerts

    public static let alertsFired = MetricFamily(
        name: "alerts_fired_total", kind: .counter,
        help: "Alerts that started firing, by alert type and severity.", labelNames: ["type", "severity"])
    public static let alertsActive = MetricFamily(
        name: "alerts_active", kind: .gauge,
        help: "1 for each alert currently firing, by alert type, severity and service.",
        labelNames: ["type", "severity", "service"])
    public static let alertNotifications = MetricFamily(
        name: "alert_notifications_total", kind: .counter,
        help: "Alert notifications delivered or dropped, by channel and result.", labelNames: ["channel", "result"])

    // MARK: Resilience (emitted by DixResilience)

    public static let circuitBreakerState = MetricFamily(
        name: "circuit_breaker_state", kind: .gauge,
        help: "Circuit breaker state: 0 closed, 1 open, 2 half-open, 3 forced open, 4 disabled, 5 metrics only.",
        labelNames: ["name"])
    public static let circuitBreakerCalls = MetricFamily(
        name: "circuit_breaker_calls_total", kind: .counter,
        help: "Calls through a circuit breaker, by breaker and result.", labelNames: ["name", "result"])
    public static let circuitBreakerStateChanges = MetricFamily(
        name: "circuit_breaker_state_changes_total", kind: .counter,
        help: "Circuit breaker state changes, by breaker and the states left and entered.",
        labelNames: ["name", "from", "to"])
    public static let circuitBreakerCallDuration = MetricFamily(
        name: "circuit_breaker_call_duration_seconds", kind: .durationHistogram(buckets: secondsBuckets),
        help: "Duration of calls through a circuit breaker in seconds.", labelNames: ["name"])
    public static let circuitBreakerFailures = MetricFamily(
        name: "circuit_breaker_failures_total", kind: .counter,
        help: "Failed calls through a circuit breaker, by breaker and error type.", labelNames: ["name", "error"])
    public static let circuitBreakerSuccessRatio = MetricFamily(
        name: "circuit_breaker_success_ratio", kind: .gauge,
        help: "Share of successful calls in the circuit breaker's sliding window.", labelNames: ["name"])
    public static let circuitBreakerHealthScore = MetricFamily(
        name: "circuit_breaker_health_score", kind: .gauge,
        help: "Health score of the circuit breaker's target, from 0 (failing) to 1 (healthy).", labelNames: ["name"])
    public static let bulkheadInFlight = MetricFamily(
        name: "bulkhead_in_flight", kind: .gauge,
        help: "Calls currently running inside a bulkhead.", labelNames: ["name"])
    public static let bulkheadQueued = MetricFamily(
        name: "bulkhead_queued", kind: .gauge,
        help: "Calls waiting for a bulkhead slot.", labelNames: ["name"])
    public static let bulkheadRejected = MetricFamily(
        name: "bulkhead_rejected_total", kind: .counter,
        help: "Calls a bulkhead rejected, by bulkhead and reason.", labelNames: ["name", "reason"])
    public static let rateLimiterAllowed = MetricFamily(
        name: "rate_limiter_allowed_total", kind: .counter,
        help: "Requests a rate limiter let through.", labelNames: ["name"])
    public static let rateLimiterRejected = MetricFamily(
        name: "rate_limiter_rejected_total", kind: .counter,
        help: "Requests a rate limiter rejected.", labelNames: ["name"])
    public static let errorBudgetRemaining = MetricFamily(
        name: "error_budget_remaining", kind: .gauge,
        help: "Share of the error budget left in the current window, from 1 (untouched) to 0 (spent).",
        labelNames: ["name"])
    public static let errorBudgetConsumed = MetricFamily(
        name: "error_budget_consumed", kind: .gauge,
        help: "Share of the error budget spent in the current window.", labelNames: ["name"])
    public static let errorBudgetBurnRate = MetricFamily(
        name: "error_budget_burn_rate", kind: .gauge,
        help: "Rate at which the error budget is spent over a window; 1 spends it exactly over the SLO period.",
        labelNames: ["name", "window"])

    /// Every family, in the order the documentation lists them.
    public static let all: [MetricFamily] = [
        serviceHealth, serviceRestarts, serviceDowntime, serviceCPU, serviceMemory, serviceDiskIO,
        workflowExecutions, workflowDuration, workflowHistoryWarnings, activityExecutions, activityDuration, activityErrors,
        nodeSyncStatus, nodePeers, nodeBlocksBehind,
        dependencyWaitTime, dependencyTimeouts,
        alertsFired, alertsActive, alertNotifications,
        circuitBreakerState, circuitBreakerCalls, circuitBreakerStateChanges, circuitBreakerCallDuration,
        circuitBreakerFailures, circuitBreakerSuccessRatio, circuitBreakerHealthScore,
        bulkheadInFlight, bulkheadQueued, bulkheadRejected,
        rateLimiterAllowed, rateLimiterRejected,
        errorBudgetRemaining, errorBudgetConsumed, errorBudgetBurnRate,
    ]

    /// Names emitters may use that are exposed under another family's name.
    public static let aliases: [String: MetricFamily] = [
        "node_peer_count": nodePeers
    ]

    /// The family with this unprefixed name (or alias), if dixmgr describes it.
    public static func family(named name: String) -> MetricFamily? {
        byName[name] ?? aliases[name]
    }

    private static let byName: [String: MetricFamily] = Dictionary(
        all.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
}
