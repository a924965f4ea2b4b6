import DixObservability
import Metrics

/// Emits every catalogued family through the swift-metrics facade, as the engine, DixResilience and
/// DixServices do, for `services` services.
enum MetricsFixture {
    static func populate(_ factory: NamespacedPrometheusFactory, services: Int) {
        for index in 0..<services {
            let service = [("service", "svc-\(index)")]
            Gauge(label: "service_health", dimensions: service, factory: factory).record(index % 7 == 0 ? 0 : 1)
            Counter(label: "service_restarts_total", dimensions: service, factory: factory).increment(by: index % 3)
            FloatingPointCounter(label: "service_downtime_seconds_total", dimensions: service, factory: factory)
                .increment(by: Double(index) * 1.5)
            Gauge(label: "service_cpu_percent", dimensions: service, factory: factory).record(Double(index % 100))
            Gauge(label: "service_memory_bytes", dimensions: service, factory: factory).record(Int64(index) << 24)
            for direction in ["read", "write"] {
                Gauge(label: "service_disk_io_bytes_per_second", dimensions: service + [("direction", direction)],
                      factory: factory).record(Double(index * 1024))
            }
            Gauge(label: "node_sync_status", dimensions: service, factory: factory).record(1)
            Gauge(label: "node_peer_count", dimensions: service, factory: factory).record(Int64(index % 50))
            Gauge(label: "node_blocks_behind", dimensions: service, factory: factory).record(Int64(index % 4))
            Timer(label: "dependency_wait_time_seconds", dimensions: service + [("dependency", "db")], factory: factory)
                .recordMilliseconds(index * 10)
            Counter(label: "dependency_timeouts_total", dimensions: service + [("dependency", "db")], factory: factory)
                .increment()
            Gauge(label: "alerts_active", dimensions: [("type", "high_cpu"), ("severity", "warning")] + service,
                  factory: factory).record(index % 5 == 0 ? 1 : 0)
            Gauge(label: "circuit_breaker_state", dimensions: [("name", "check-svc-\(index)")], factory: factory)
                .record(Int64(index % 3))
        }
        for type in ["node_monitor", "dependent_service"] {
            for status in ["completed", "failed"] {
                Counter(label: "workflow_executions_total", dimensions: [("type", type), ("status", status)],
                        factory: factory).increment(by: 3)
                Counter(label: "activity_executions_total", dimensions: [("type", "http_check"), ("status", status)],
                        factory: factory).increment(by: 5)
            }
            Timer(label: "workflow_duration_seconds", dimensions: [("type", type)], factory: factory)
                .recordSeconds(2)
        }
        Counter(label: "workflow_history_warnings_total", dimensions: [("type", "node_monitor")], factory: factory)
            .increment()
        Timer(label: "activity_duration_seconds", dimensions: [("type", "http_check")], factory: factory)
            .recordMilliseconds(12)
        Counter(label: "activity_errors_total", dimensions: [("type", "http_check"), ("error_type", "timeout")],
                factory: factory).increment()
        Counter(label: "alerts_fired_total", dimensions: [("type", "high_cpu"), ("severity", "warning")],
                factory: factory).increment()
        Counter(label: "alert_notifications_total", dimensions: [("channel", "webhook"), ("result", "delivered")],
                factory: factory).increment()
        let breaker = [("name", "check-svc-0")]
        Counter(label: "circuit_breaker_state_changes_total",
                dimensions: breaker + [("from", "closed"), ("to", "open")], factory: factory).increment()
        Counter(label: "circuit_breaker_calls_total", dimensions: breaker + [("result", "success")], factory: factory)
            .increment()
        Counter(label: "circuit_breaker_failures_total", dimensions: breaker + [("error", "timeout")], factory: factory)
            .increment()
        Timer(label: "circuit_breaker_call_duration_seconds", dimensions: breaker, factory: factory).recordMilliseconds(3)
        Gauge(label: "circuit_breaker_success_ratio", dimensions: breaker, factory: factory).record(0.9)
        Gauge(label: "circuit_breaker_health_score", dimensions: breaker, factory: factory).record(0.8)
        let pool = [("name", "checks")]
        Gauge(label: "bulkhead_in_flight", dimensions: pool, factory: factory).record(2)
        Gauge(label: "bulkhead_queued", dimensions: pool, factory: factory).record(0)
        Counter(label: "bulkhead_rejected_total", dimensions: pool + [("reason", "queue full")], factory: factory)
            .increment()
        Counter(label: "rate_limiter_allowed_total", dimensions: pool, factory: factory).increment(by: 10)
        Counter(label: "rate_limiter_rejected_total", dimensions: pool, factory: factory).increment()
        Gauge(label: "error_budget_remaining", dimensions: pool, factory: factory).record(0.75)
        Gauge(label: "error_budget_consumed", dimensions: pool, factory: factory).record(0.25)
        Gauge(label: "error_budget_burn_rate", dimensions: pool + [("window", "1h")], factory: factory).record(0.5)
    }
}
