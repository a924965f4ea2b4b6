import CoreMetrics
import Logging
import Prometheus
import ServiceLifecycle

/// DixObservability assembled for the `dixmgr` daemon: the metrics registry and server, health
/// history, alert manager and dispatcher, and the services to run in the daemon's `ServiceGroup`.
///
/// ```swift
/// let observability = try Observability(configuration: ObservabilityConfiguration(
///     metricsEnabled: options.metrics, metricsServer: .init(port: options.metricsPort),
///     healthHistoryPath: options.healthHistoryDB, alertChannels: config.alertChannels))
/// let group = ServiceGroup(services: observability.services + [worker], gracefulShutdownSignals: [.sigterm],
///                          logger: logger)
/// ```
public struct Observability: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// The factory over ``registry``; also the swift-metrics backend when bootstrapped.
    public let metricsFactory: NamespacedPrometheusFactory
    public let serviceMetrics: ServiceMetrics
    public let history: HealthHistory
    public let dispatcher: AlertDispatcher
    public let alerts: AlertManager
    /// The metrics server, nil with `--no-metrics`.
    public let metricsServer: MetricsServer?

    public init(configuration: ObservabilityConfiguration, logger: Logger = Logger(label: "dixmgr.observability"))
        throws
    {
        if configuration.bootstrapMetricsSystem {
            metricsFactory = try MetricsBootstrap.bootstrapFactory(namespace: configuration.metricsNamespace)
        } else {
            metricsFactory = try MetricsBootstrap.makeFactory(namespace: configuration.metricsNamespace)
        }
        registry = metricsFactory.registry
        serviceMetrics = ServiceMetrics(factory: metricsFactory)
        history = try HealthHistory(
            path: configuration.healthHistoryPath, configuration: configuration.healthHistory, logger: logger)
        dispatcher = AlertDispatcher(
            channels: configuration.alertChannels.map { $0.makeChannel() }, configuration: configuration.alertDelivery,
            logger: logger, metricsFactory: metricsFactory)
        alerts = try AlertManager(
            rules: DefaultAlertRules.make(configuration.alertThresholds, disabled: configuration.disabledAlertRules),
            configuration: configuration.alertManager, dispatcher: dispatcher, history: history,
            metricsFactory: metricsFactory)
        metricsServer = configuration.metricsEnabled
            ? MetricsServer(registry: registry, configuration: configuration.metricsServer, logger: logger) : nil
    }

    /// The long-running parts, for the daemon's `ServiceGroup`.
    public var services: [any Service] {
        [history, dispatcher] + (metricsServer.map { [$0] } ?? [])
    }
}
