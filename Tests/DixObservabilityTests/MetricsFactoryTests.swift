import DixObservability
import Metrics
import Prometheus
import Testing

@Suite("Namespaced Prometheus factory")
struct MetricsFactoryTests {
    @Test func prefixesUnprefixedNamesAndAddsHelp() throws {
        let factory = try MetricsBootstrap.makeFactory()
        Counter(label: "workflow_executions_total", dimensions: [("type", "node_monitor"), ("status", "completed")],
                factory: factory).increment(by: 2)
        let text = factory.registry.emitToString()
        #expect(text.contains("# HELP dixmgr_workflow_executions_total \(MetricCatalog.workflowExecutions.help)"))
        #expect(text.contains("# TYPE dixmgr_workflow_executions_total counter"))
        #expect(text.contains(#"dixmgr_workflow_executions_total{status="completed",type="node_monitor"} 2"#))
    }

    @Test(arguments: ["acme", "dix_test", ""])
    func namespaceIsConfigurable(namespace: String) throws {
        let factory = try MetricsBootstrap.makeFactory(namespace: namespace)
        Gauge(label: "circuit_breaker_state", dimensions: [("name", "rpc")], factory: factory).record(2)
        let expected = namespace.isEmpty ? "circuit_breaker_state" : "\(namespace)_circuit_breaker_state"
        #expect(factory.registry.emitToString().contains(#"\#(expected){name="rpc"} 2"#))
    }

    @Test(arguments: ["9lives", "dix-mgr", "dix mgr"])
    func invalidNamespaceIsRejected(namespace: String) {
        #expect(throws: MetricsConfigurationError.self) { try MetricsBootstrap.makeFactory(namespace: namespace) }
    }

    @Test func alreadyPrefixedNamesAreNotPrefixedTwice() throws {
        let factory = try MetricsBootstrap.makeFactory()
        Gauge(label: "dixmgr_service_health", dimensions: [("service", "geth")], factory: factory).record(1)
        let text = factory.registry.emitToString()
        #expect(text.contains(#"dixmgr_service_health{service="geth"} 1"#))
        #expect(!text.contains("dixmgr_dixmgr_"))
    }

    @Test func labelOrderDoesNotSplitASeries() throws {
        let factory = try MetricsBootstrap.makeFactory()
        Counter(label: "activity_errors_total", dimensions: [("type", "a"), ("error_type", "timeout")], factory: factory)
            .increment()
        Counter(label: "activity_errors_total", dimensions: [("error_type", "timeout"), ("type", "a")], factory: factory)
            .increment()
        #expect(factory.registry.emitToString().contains(#"dixmgr_activity_errors_total{error_type="timeout",type="a"} 2"#))
    }

    @Test func typeClashesAreConvertedNotFatal() throws {
        let factory = try MetricsBootstrap.makeFactory()
        // The catalog says gauge; an emitter asking for a timer must not crash the registry.
        Timer(label: "service_cpu_percent", dimensions: [("service", "x")], factory: factory).recordSeconds(3)
        // The catalog says histogram; a counter increment is recorded as an observation.
        Counter(label: "activity_duration_seconds", dimensions: [("type", "t")], factory: factory).increment()
        // Unlabelled after labelled joins the labelled family with empty values.
        Gauge(label: "node_peers", dimensions: [("service", "n")], factory: factory).record(4)
        Gauge(label: "node_peers", factory: factory).record(5)
        let text = factory.registry.emitToString()
        #expect(text.contains(#"dixmgr_service_cpu_percent{service="x"} 3"#))
        #expect(text.contains(#"dixmgr_activity_duration_seconds_count{type="t"} 1"#))
        #expect(text.contains(#"dixmgr_node_peers{service=""} 5"#))
    }

    @Test func theIssuesPeerCountNameIsExposedAsNodePeers() throws {
        let factory = try MetricsBootstrap.makeFactory()
        Gauge(label: "node_peer_count", dimensions: [("service", "geth")], factory: factory).record(12)
        let text = factory.registry.emitToString()
        #expect(text.contains(#"dixmgr_node_peers{service="geth"} 12"#))
        #expect(!text.contains("peer_count"))
    }

    @Test func unknownNamesGetGenericHelp() throws {
        let factory = try MetricsBootstrap.makeFactory()
        Counter(label: "engine_history_warnings_total", factory: factory).increment()
        let text = factory.registry.emitToString()
        #expect(text.contains("# HELP dixmgr_engine_history_warnings_total "))
        #expect(text.contains("dixmgr_engine_history_warnings_total 1"))
    }

    @Test func everyCatalogFamilyHasHelpAndUniqueName() {
        #expect(Set(MetricCatalog.all.map(\.name)).count == MetricCatalog.all.count)
        for family in MetricCatalog.all {
            #expect(!family.help.isEmpty, "\(family.name) has no help text")
            if family.kind == .counter { #expect(family.name.hasSuffix("_total"), "\(family.name)") }
        }
    }

    @Test func bootstrapInstallsTheGlobalBackendOnce() throws {
        let registry = try MetricsBootstrap.bootstrap(namespace: "dixmgr")
        #expect(try MetricsBootstrap.bootstrap(namespace: "dixmgr") === registry)
        #expect(throws: MetricsConfigurationError.self) { try MetricsBootstrap.bootstrap(namespace: "other") }
        Counter(label: "workflow_executions_total", dimensions: [("type", "global"), ("status", "completed")])
            .increment()
        #expect(registry.emitToString().contains(#"dixmgr_workflow_executions_total{status="completed",type="global"} 1"#))
    }
}
