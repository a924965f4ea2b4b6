/// Everything DixObservability needs from the host config and the `dixmgr` command line.
public struct ObservabilityConfiguration: Sendable {
    /// `--metrics` / `--no-metrics`: whether to serve `/metrics`.
    public var metricsEnabled: Bool
    /// Host, `--metrics-port` and path of the metrics server.
    public var metricsServer: MetricsServer.Configuration
    /// The metric name prefix, `dixmgr` by default.
    public var metricsNamespace: String
    /// Whether to install the registry as the process's swift-metrics backend (once per process).
    public var bootstrapMetricsSystem: Bool
    /// `--health-history-db`: the history's own database file.
    public var healthHistoryPath: String
    public var healthHistory: HealthHistory.Configuration
    public var alertThresholds: AlertThresholds
    /// Default rules to load disabled, by name.
    public var disabledAlertRules: Set<String>
    public var alertManager: AlertManager.Configuration
    public var alertChannels: [AlertChannelConfiguration]
    public var alertDelivery: AlertDispatcher.Configuration

    public init(
        metricsEnabled: Bool = true, metricsServer: MetricsServer.Configuration = .init(),
        metricsNamespace: String = "dixmgr", bootstrapMetricsSystem: Bool = true,
        healthHistoryPath: String, healthHistory: HealthHistory.Configuration = .init(),
        alertThresholds: AlertThresholds = .init(), disabledAlertRules: Set<String> = [],
        alertManager: AlertManager.Configuration = .init(), alertChannels: [AlertChannelConfiguration] = [.log],
        alertDelivery: AlertDispatcher.Configuration = .init()
    ) {
        self.metricsEnabled = metricsEnabled
        self.metricsServer = metricsServer
        self.metricsNamespace = metricsNamespace
        self.bootstrapMetricsSystem = bootstrapMetricsSystem
        self.healthHistoryPath = healthHistoryPath
        self.healthHistory = healthHistory
        self.alertThresholds = alertThresholds
        self.disabledAlertRules = disabledAlertRules
        self.alertManager = alertManager
        self.alertChannels = alertChannels
        self.alertDelivery = alertDelivery
    }
}
