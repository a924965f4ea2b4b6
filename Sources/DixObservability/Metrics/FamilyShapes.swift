import Synchronization

/// What the registry already holds under each name: its kind and whether its series carry labels.
///
/// The Prometheus registry stops the process on a type clash or on mixing labelled and unlabelled
/// series in one family, so the factory settles both here before it registers anything: the first
/// registration of a name fixes its kind, and later calls are brought to the same label shape.
final class FamilyShapes: Sendable {
    private struct Shape {
        var kind: MetricKind
        var labelNames: [String]?
    }

    private let shapes = Mutex<[String: Shape]>([:])

    /// The kind to register `name` as, and `labels` brought to the family's label shape.
    func reconcile(name: String, kind: MetricKind, labels: [(String, String)]) -> (MetricKind, [(String, String)]) {
        shapes.withLock { shapes in
            guard let shape = shapes[name] else {
                shapes[name] = Shape(kind: kind, labelNames: labels.isEmpty ? nil : labels.map(\.0))
                return (kind, labels)
            }
            switch (shape.labelNames, labels.isEmpty) {
            case (nil, true), (.some, false):
                return (shape.kind, labels)
            case (nil, false):
                // The family was first registered without labels; a labelled series cannot join it.
                return (shape.kind, [])
            case (.some(let names), true):
                // Empty label values: Prometheus treats them as absent, and the family stays labelled.
                return (shape.kind, names.map { ($0, "") })
            }
        }
    }
}
