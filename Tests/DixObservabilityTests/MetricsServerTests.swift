import DixObservability
import Foundation
import Prometheus
import Testing

/// Runs a metrics server on a free loopback port for the length of `body`.
func withMetricsServer<R: Sendable>(
    _ registry: PrometheusCollectorRegistry, _ body: @Sendable (Int) async throws -> R
) async throws -> R {
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let server = MetricsServer(registry: registry, configuration: .init(host: "127.0.0.1", port: 0)) {
        continuation.yield($0)
    }
    return try await withThrowingTaskGroup(of: R?.self) { group in
        group.addTask {
            try await server.run()
            return nil
        }
        defer { group.cancelAll() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        return try await body(port)
    }
}

@Suite("GET /metrics")
struct MetricsServerTests {
    @Test func defaultsAreLoopbackPort9090() {
        let configuration = MetricsServer.Configuration()
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 9090)
        #expect(configuration.path == "/metrics")
    }

    @Test func servesTheRegistryWithTheExpositionContentType() async throws {
        let factory = try MetricsBootstrap.makeFactory()
        MetricsFixture.populate(factory, services: 3)
        let response = try await withMetricsServer(factory.registry) { port in
            try await HTTPFetch.get("http://127.0.0.1:\(port)/metrics")
        }
        #expect(response.status == 200)
        #expect(response.contentType == "text/plain; version=0.0.4")
        let body = String(decoding: response.body, as: UTF8.self)
        #expect(body.contains(#"dixmgr_service_health{service="svc-1"} 1"#))
    }

    @Test(.enabled(if: ExternalTool.promtool != nil, ExternalTool.missingReason("promtool", package: "prometheus")))
    func promtoolFindsNothingToReportInTheRealOutput() async throws {
        let promtool = try #require(ExternalTool.promtool)
        let factory = try MetricsBootstrap.makeFactory()
        MetricsFixture.populate(factory, services: 100)
        let response = try await withMetricsServer(factory.registry) { port in
            try await HTTPFetch.get("http://127.0.0.1:\(port)/metrics")
        }
        let result = try await promtool.run(["check", "metrics"], input: response.body)
        #expect(result.status == 0, "promtool: \(result.output)\(result.error)")
        #expect(result.output.isEmpty, "promtool stdout: \(result.output)")
        #expect(result.error.isEmpty, "promtool stderr: \(result.error)")
        let body = String(decoding: response.body, as: UTF8.self)
        for family in MetricCatalog.all {
            #expect(body.contains("# HELP \(family.qualifiedName(namespace: "dixmgr")) "), "\(family.name)")
        }
    }
}
