/// A change in an alert's state, produced by the rule engine.
public enum AlertTransition: Sendable, Hashable {
    /// The alert started firing.
    case fired(Alert)
    /// The alert stopped firing; its `endsAt` is set.
    case resolved(Alert)

    public var alert: Alert {
        switch self {
        case .fired(let alert), .resolved(let alert): alert
        }
    }
}
