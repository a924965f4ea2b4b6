import CoreMetrics
import Prometheus
import Synchronization

/// A swift-metrics backend that registers every metric in a Prometheus registry under a namespace.
///
/// Unlike swift-prometheus's own factory it gives each family the help text, type and buckets from
/// ``MetricCatalog`` (a generic help text for names the catalog does not know), sorts and
/// de-duplicates label pairs so one series has one identity whatever order the emitter used, and
/// never lets a type or label-shape clash stop the process (see ``ConvertingMetricHandler``).
///
/// ```swift
/// let registry = PrometheusCollectorRegistry()
/// let factory = try NamespacedPrometheusFactory(registry: registry, namespace: "dixmgr")
/// Counter(label: "workflow_executions_total", dimensions: [("type", "t"), ("status", "completed")],
///         factory: factory).increment()
/// // registry.emitToString() contains dixmgr_workflow_executions_total{status="completed",type="t"} 1
/// ```
public struct NamespacedPrometheusFactory: Sendable {
    /// The registry every metric is registered in.
    public let registry: PrometheusCollectorRegistry
    /// The prefix added, with an underscore, to every metric name; empty for none.
    public let namespace: String
    private let shapes: FamilyShapes

    /// Creates a factory; throws when `namespace` is not a valid Prometheus name fragment.
    public init(registry: PrometheusCollectorRegistry, namespace: String = "dixmgr") throws {
        try MetricsNamespace.validate(namespace)
        self.registry = registry
        self.namespace = namespace
        self.shapes = FamilyShapes()
    }

    /// The kind a swift-metrics call asks for, before it is reconciled with the catalog.
    enum RequestedKind {
        case counter, gauge, valueHistogram, durationHistogram

        var defaultKind: MetricKind {
            switch self {
            case .counter: .counter
            case .gauge: .gauge
            case .valueHistogram: .valueHistogram(buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 50, 100, 1000])
            case .durationHistogram: .durationHistogram(buckets: MetricCatalog.secondsBuckets)
            }
        }
    }

    /// Registers (or finds) the series and returns the handler for it.
    func handler(label: String, dimensions: [(String, String)], requested: RequestedKind) -> AnyObject {
        let catalogEntry = MetricCatalog.family(named: label)
            ?? MetricCatalog.all.first { $0.qualifiedName(namespace: namespace) == label }
        let name = catalogEntry?.qualifiedName(namespace: namespace) ?? MetricFamily.qualify(label, namespace: namespace)
        let kind = catalogEntry?.kind ?? requested.defaultKind
        let help = catalogEntry?.help ?? "Metric \(label), reported through swift-metrics."
        let (registeredKind, labels) = shapes.reconcile(name: name, kind: kind, labels: Self.normalize(dimensions))
        let descriptor = MetricNameDescriptor(metricName: name, unitName: "", helpText: help)

        switch (registeredKind, requested) {
        case (.counter, .counter):
            return registry.makeCounter(descriptor: descriptor, labels: labels)
        case (.gauge, .gauge):
            return registry.makeGauge(descriptor: descriptor, labels: labels)
        case (.valueHistogram(let buckets), .valueHistogram):
            return registry.makeValueHistogram(descriptor: descriptor, labels: labels, buckets: buckets)
        case (.durationHistogram(let buckets), .durationHistogram):
            return registry.makeDurationHistogram(descriptor: descriptor, labels: labels, buckets: buckets)
        case (.counter, _):
            return ConvertingMetricHandler(target: .counter(registry.makeCounter(descriptor: descriptor, labels: labels)))
        case (.gauge, _):
            return ConvertingMetricHandler(target: .gauge(registry.makeGauge(descriptor: descriptor, labels: labels)))
        case (.valueHistogram(let buckets), _):
            return ConvertingMetricHandler(target: .valueHistogram(
                registry.makeValueHistogram(descriptor: descriptor, labels: labels, buckets: buckets)))
        case (.durationHistogram(let buckets), _):
            return ConvertingMetricHandler(target: .durationHistogram(
                registry.makeDurationHistogram(descriptor: descriptor, labels: labels, buckets: buckets)))
        }
    }

    /// Sorts label pairs by name and keeps the last value of a repeated name.
    static func normalize(_ dimensions: [(String, String)]) -> [(String, String)] {
        guard dimensions.count > 1 else { return dimensions }
        var byName: [String: String] = [:]
        for (key, value) in dimensions { byName[key] = value }
        return byName.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    func destroy(_ handler: AnyObject) {
        let target: ConvertingMetricHandler.Target?
        switch handler {
        case let converting as ConvertingMetricHandler: target = converting.target
        case let counter as Prometheus.Counter: target = .counter(counter)
        case let gauge as Prometheus.Gauge: target = .gauge(gauge)
        case let histogram as DurationHistogram: target = .durationHistogram(histogram)
        case let histogram as ValueHistogram: target = .valueHistogram(histogram)
        default: target = nil
        }
        switch target {
        case .counter(let counter): registry.unregisterCounter(counter)
        case .gauge(let gauge): registry.unregisterGauge(gauge)
        case .durationHistogram(let histogram): registry.unregisterDurationHistogram(histogram)
        case .valueHistogram(let histogram): registry.unregisterValueHistogram(histogram)
        case nil: break
        }
    }
}

extension NamespacedPrometheusFactory: MetricsFactory {
    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        handler(label: label, dimensions: dimensions, requested: .counter) as! any CounterHandler
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        handler(label: label, dimensions: dimensions, requested: .counter) as! any FloatingPointCounterHandler
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        handler(label: label, dimensions: dimensions, requested: .gauge) as! any MeterHandler
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        handler(label: label, dimensions: dimensions, requested: aggregate ? .valueHistogram : .gauge)
            as! any RecorderHandler
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        handler(label: label, dimensions: dimensions, requested: .durationHistogram) as! any TimerHandler
    }

    public func destroyCounter(_ handler: any CounterHandler) { destroy(handler) }
    public func destroyMeter(_ handler: any MeterHandler) { destroy(handler) }
    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) { destroy(handler) }
    public func destroyRecorder(_ handler: any RecorderHandler) { destroy(handler) }
    public func destroyTimer(_ handler: any TimerHandler) { destroy(handler) }
}
