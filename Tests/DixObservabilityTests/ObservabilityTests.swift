import DixObservability
import Foundation
import Logging
import ServiceLifecycle
import Testing

@Suite("Observability wiring")
struct ObservabilityTests {
    @Test func assembledFromConfigurationItRunsInAServiceGroupAndRecordsEndToEnd() async throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let receiver = WebhookReceiver()
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        try await receiver.serve { hook in
            let observability = try Observability(configuration: ObservabilityConfiguration(
                metricsServer: .init(host: "127.0.0.1", port: 0), bootstrapMetricsSystem: false,
                healthHistoryPath: directory.appendingPathComponent(HealthHistory.defaultFileName).path,
                alertChannels: [.log, .webhook(url: hook)], alertDelivery: .quick()))
            #expect(observability.services.count == 3)
            let server = MetricsServer(registry: observability.registry, configuration: .init(port: 0)) {
                portContinuation.yield($0)
            }
            let group = ServiceGroup(
                services: [observability.history, observability.dispatcher, server], logger: Logger(label: "test"))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                var portIterator = ports.makeAsyncIterator()
                let port = try #require(await portIterator.next())
                let now = Date()
                observability.history.record(HealthEvent(service: "geth", type: "http", healthy: false, time: now))
                observability.serviceMetrics.recordHealth(service: "geth", healthy: false, at: now)
                await observability.alerts.observe(ServiceObservation(
                    service: "geth", time: now, healthy: false, consecutiveFailures: 3, error: "refused"))
                var bodies = receiver.bodies.makeAsyncIterator()
                let first = try #require(await bodies.next())
                #expect(String(decoding: first, as: UTF8.self).contains(#""status":"firing""#))
                let metrics = try await HTTPFetch.get("http://127.0.0.1:\(port)/metrics")
                let text = String(decoding: metrics.body, as: UTF8.self)
                #expect(text.contains(#"dixmgr_service_health{service="geth"} 0"#))
                #expect(text.contains("dixmgr_alerts_fired_total"))
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            let alerts = try await observability.history.alerts(since: Date().addingTimeInterval(-60))
            #expect(Set(alerts.map(\.type)) == ["service_down", "health_check_failed"])
            #expect(try await observability.history.downtimeIncidents(of: "geth", since: Date().addingTimeInterval(-60)).count == 1)
        }
    }

    @Test func noMetricsLeavesTheServerOut() throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let observability = try Observability(configuration: ObservabilityConfiguration(
            metricsEnabled: false, bootstrapMetricsSystem: false,
            healthHistoryPath: directory.appendingPathComponent("h.db").path))
        #expect(observability.metricsServer == nil)
        #expect(observability.services.count == 2)
    }
}
