/// What a start, stop or restart did.
public struct ServiceActionResult: Sendable, Hashable, Codable {
    /// The service (unit name or direct service name).
    public var service: String
    /// The action asked for.
    public var action: ServiceAction
    /// Whether anything was changed: `false` in watch mode, and when there was nothing to do.
    public var performed: Bool
    /// What happened, or in watch mode what would have happened.
    public var message: String
    /// The state after the action.
    public var status: ServiceStatus?

    public init(
        service: String, action: ServiceAction, performed: Bool, message: String,
        status: ServiceStatus? = nil
    ) {
        self.service = service
        self.action = action
        self.performed = performed
        self.message = message
        self.status = status
    }
}
