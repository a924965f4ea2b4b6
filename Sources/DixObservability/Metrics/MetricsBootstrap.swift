import CoreMetrics
import Prometheus
import Synchronization

/// Installs the Prometheus registry as the process's swift-metrics backend.
///
/// The engine, DixResilience and DixServices emit through the swift-metrics facade with
/// unprefixed names (`workflow_executions_total`); after bootstrapping, those metrics land in the
/// returned registry as `dixmgr_workflow_executions_total` with help text, ready for
/// ``MetricsServer`` to expose.
///
/// ```swift
/// let registry = try MetricsBootstrap.bootstrap(namespace: "dixmgr")
/// let server = MetricsServer(registry: registry, configuration: .init(host: "127.0.0.1", port: 9090))
/// ```
public enum MetricsBootstrap {
    private static let installed = Mutex<NamespacedPrometheusFactory?>(nil)

    /// Creates a registry, bootstraps swift-metrics with a namespaced factory over it, and returns it.
    ///
    /// swift-metrics allows one bootstrap per process: a second call with the same namespace returns
    /// the registry already installed; with another namespace it throws.
    public static func bootstrap(namespace: String = "dixmgr") throws -> PrometheusCollectorRegistry {
        try bootstrapFactory(namespace: namespace).registry
    }

    /// Like ``bootstrap(namespace:)``, returning the installed factory, for code that also records
    /// through it explicitly (one factory keeps one view of each family's type and labels).
    public static func bootstrapFactory(namespace: String = "dixmgr") throws -> NamespacedPrometheusFactory {
        try installed.withLock { installed in
            if let factory = installed {
                guard factory.namespace == namespace else {
                    throw MetricsConfigurationError(
                        message: "metrics are already bootstrapped with namespace '\(factory.namespace)'; "
                            + "cannot bootstrap again with '\(namespace)'")
                }
                return factory
            }
            let factory = try makeFactory(namespace: namespace)
            MetricsSystem.bootstrap(factory)
            installed = factory
            return factory
        }
    }

    /// Creates a registry and a namespaced factory over it without touching the global backend;
    /// for tests and for embedding (`Counter(label:dimensions:factory:)`).
    public static func makeFactory(namespace: String = "dixmgr") throws -> NamespacedPrometheusFactory {
        try NamespacedPrometheusFactory(registry: PrometheusCollectorRegistry(), namespace: namespace)
    }
}
