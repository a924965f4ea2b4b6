import CoreMetrics
import Foundation
import Synchronization

/// Records the per-service families (`service_*`, `node_*`, `dependency_*`) from health check
/// results, so the health check flow updates metrics with one call per measurement.
///
/// Downtime is accumulated from consecutive results: the time between an unhealthy result and
/// the next result of the same service is added to `service_downtime_seconds_total`.
///
/// ```swift
/// let metrics = ServiceMetrics()            // the bootstrapped backend
/// metrics.recordHealth(service: "geth", healthy: false)
/// metrics.recordResources(service: "geth", cpuPercent: 93, memoryBytes: 3 << 30,
///                         diskReadBytesPerSecond: 1e6, diskWriteBytesPerSecond: 4e6)
/// ```
public final class ServiceMetrics: Sendable {
    private let factory: (any MetricsFactory)?
    private let lastResult = Mutex<[String: (healthy: Bool, time: Date)]>([:])

    /// Records through `factory`, or through the bootstrapped swift-metrics backend when nil.
    public init(factory: (any MetricsFactory)? = nil) {
        self.factory = factory
    }

    public func recordHealth(service: String, healthy: Bool, at time: Date = Date()) {
        let labels = [("service", service)]
        gauge(MetricCatalog.serviceHealth, labels).record(healthy ? 1 : 0)
        let previous = lastResult.withLock { results in
            defer { results[service] = (healthy, time) }
            return results[service]
        }
        if let previous, !previous.healthy, time > previous.time {
            floatingCounter(MetricCatalog.serviceDowntime, labels).increment(by: time.timeIntervalSince(previous.time))
        }
    }

    public func recordResources(
        service: String, cpuPercent: Double? = nil, memoryBytes: Int64? = nil, diskReadBytesPerSecond: Double? = nil,
        diskWriteBytesPerSecond: Double? = nil
    ) {
        let labels = [("service", service)]
        if let cpuPercent { gauge(MetricCatalog.serviceCPU, labels).record(cpuPercent) }
        if let memoryBytes { gauge(MetricCatalog.serviceMemory, labels).record(memoryBytes) }
        if let diskReadBytesPerSecond {
            gauge(MetricCatalog.serviceDiskIO, labels + [("direction", "read")]).record(diskReadBytesPerSecond)
        }
        if let diskWriteBytesPerSecond {
            gauge(MetricCatalog.serviceDiskIO, labels + [("direction", "write")]).record(diskWriteBytesPerSecond)
        }
    }

    public func recordRestart(service: String) {
        counter(MetricCatalog.serviceRestarts, [("service", service)]).increment()
    }

    public func recordNode(service: String, synced: Bool? = nil, peers: Int? = nil, blocksBehind: Int? = nil) {
        let labels = [("service", service)]
        if let synced { gauge(MetricCatalog.nodeSyncStatus, labels).record(synced ? 1 : 0) }
        if let peers { gauge(MetricCatalog.nodePeers, labels).record(peers) }
        if let blocksBehind { gauge(MetricCatalog.nodeBlocksBehind, labels).record(blocksBehind) }
    }

    public func recordDependencyWait(service: String, dependency: String, waited: Duration, timedOut: Bool) {
        let labels = [("service", service), ("dependency", dependency)]
        timer(MetricCatalog.dependencyWaitTime, labels).record(duration: waited)
        if timedOut { counter(MetricCatalog.dependencyTimeouts, labels).increment() }
    }

    private func gauge(_ family: MetricFamily, _ labels: [(String, String)]) -> Gauge {
        factory.map { Gauge(label: family.name, dimensions: labels, factory: $0) }
            ?? Gauge(label: family.name, dimensions: labels)
    }

    private func counter(_ family: MetricFamily, _ labels: [(String, String)]) -> Counter {
        factory.map { Counter(label: family.name, dimensions: labels, factory: $0) }
            ?? Counter(label: family.name, dimensions: labels)
    }

    private func floatingCounter(_ family: MetricFamily, _ labels: [(String, String)]) -> FloatingPointCounter {
        factory.map { FloatingPointCounter(label: family.name, dimensions: labels, factory: $0) }
            ?? FloatingPointCounter(label: family.name, dimensions: labels)
    }

    private func timer(_ family: MetricFamily, _ labels: [(String, String)]) -> CoreMetrics.Timer {
        factory.map { CoreMetrics.Timer(label: family.name, dimensions: labels, factory: $0) }
            ?? CoreMetrics.Timer(label: family.name, dimensions: labels)
    }
}
