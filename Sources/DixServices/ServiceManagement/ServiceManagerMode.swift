/// Whether a service manager changes anything.
///
/// `watch` is the default everywhere: acting on a host's services is asked for explicitly.
public enum ServiceManagerMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Dry run: mutating calls log what they would do and do nothing.
    case watch
    /// Mutating calls act.
    case execute
}
