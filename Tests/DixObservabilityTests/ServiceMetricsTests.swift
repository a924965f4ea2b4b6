import DixObservability
import Foundation
import Metrics
import Testing

@Suite("Service metrics")
struct ServiceMetricsTests {
    @Test func healthResourcesNodeAndDependencyFamiliesAreRecorded() throws {
        let factory = try MetricsBootstrap.makeFactory()
        let metrics = ServiceMetrics(factory: factory)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        metrics.recordHealth(service: "geth", healthy: false, at: start)
        metrics.recordHealth(service: "geth", healthy: false, at: start.addingTimeInterval(15))
        metrics.recordHealth(service: "geth", healthy: true, at: start.addingTimeInterval(30))
        metrics.recordHealth(service: "geth", healthy: true, at: start.addingTimeInterval(45))
        metrics.recordResources(service: "geth", cpuPercent: 42.5, memoryBytes: 1 << 30,
                                diskReadBytesPerSecond: 100, diskWriteBytesPerSecond: 200)
        metrics.recordRestart(service: "geth")
        metrics.recordNode(service: "geth", synced: false, peers: 7, blocksBehind: 12)
        metrics.recordDependencyWait(service: "api", dependency: "db", waited: .seconds(2), timedOut: true)
        let text = factory.registry.emitToString()
        #expect(text.contains(#"dixmgr_service_health{service="geth"} 1"#))
        #expect(text.contains(#"dixmgr_service_downtime_seconds_total{service="geth"} 30"#))
        #expect(text.contains(#"dixmgr_service_cpu_percent{service="geth"} 42.5"#))
        #expect(text.contains(#"dixmgr_service_disk_io_bytes_per_second{direction="write",service="geth"} 200"#))
        #expect(text.contains(#"dixmgr_service_restarts_total{service="geth"} 1"#))
        #expect(text.contains(#"dixmgr_node_peers{service="geth"} 7"#))
        #expect(text.contains(#"dixmgr_dependency_wait_time_seconds_count{dependency="db",service="api"} 1"#))
        #expect(text.contains(#"dixmgr_dependency_timeouts_total{dependency="db",service="api"} 1"#))
    }
}
