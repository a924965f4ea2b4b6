/// The description of one metric family: its unprefixed name, type, help text and labels.
///
/// Families are named without the namespace (`workflow_executions_total`), the way the engine and
/// DixResilience emit them through swift-metrics; the factory adds `namespace_` when it registers them.
public struct MetricFamily: Sendable, Hashable {
    /// The name without the namespace prefix, e.g. `service_health`.
    public var name: String
    /// The Prometheus type the family is exposed as.
    public var kind: MetricKind
    /// The `# HELP` text.
    public var help: String
    /// The label names series of this family are expected to carry, in the order they are documented.
    public var labelNames: [String]

    public init(name: String, kind: MetricKind, help: String, labelNames: [String] = []) {
        self.name = name
        self.kind = kind
        self.help = help
        self.labelNames = labelNames
    }

    /// The exposed name under `namespace`: `namespace_name`, or `name` alone for an empty namespace.
    public func qualifiedName(namespace: String) -> String {
        MetricFamily.qualify(name, namespace: namespace)
    }

    /// Prefixes `name` with `namespace_` unless it is already prefixed or the namespace is empty.
    public static func qualify(_ name: String, namespace: String) -> String {
        guard !namespace.isEmpty else { return name }
        let prefix = namespace + "_"
        return name.hasPrefix(prefix) ? name : prefix + name
    }
}
