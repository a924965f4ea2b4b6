/// A mutating operation on a service.
public enum ServiceAction: String, Sendable, Hashable, Codable, CaseIterable {
    case start
    case stop
    case restart
}
