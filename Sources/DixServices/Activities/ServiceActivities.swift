import DixEngine

/// Names one service for a service activity.
public struct ServiceRequest: Sendable, Hashable, Codable {
    public var service: String
    public init(service: String) { self.service = service }
}

/// Asks for the last lines a service wrote.
public struct RecentOutputRequest: Sendable, Hashable, Codable {
    public var service: String
    public var lines: Int
    public init(service: String, lines: Int = 50) {
        self.service = service
        self.lines = lines
    }
}

/// The last lines a service wrote, oldest first.
public struct RecentOutput: Sendable, Hashable, Codable {
    public var service: String
    public var lines: [String]
}

/// No input: list every service.
public struct ListServicesRequest: Sendable, Hashable, Codable {
    public init() {}
}

/// The services a manager knows.
public struct ServiceList: Sendable, Hashable, Codable {
    public var services: [ServiceStatus]
}

/// Starts a service (`services.start`). Idempotent: starting a running service changes nothing.
public struct StartServiceActivity: Activity {
    public static let name = "services.start"
    public let manager: any ServiceManager
    public init(manager: any ServiceManager) { self.manager = manager }

    public func run(_ input: ServiceRequest, context: ActivityContext) async throws
        -> ServiceActionResult
    {
        try await manager.start(input.service)
    }
}

/// Stops a service (`services.stop`). Idempotent.
public struct StopServiceActivity: Activity {
    public static let name = "services.stop"
    public let manager: any ServiceManager
    public init(manager: any ServiceManager) { self.manager = manager }

    public func run(_ input: ServiceRequest, context: ActivityContext) async throws
        -> ServiceActionResult
    {
        try await manager.stop(input.service)
    }
}

/// Restarts a service (`services.restart`).
public struct RestartServiceActivity: Activity {
    public static let name = "services.restart"
    public let manager: any ServiceManager
    public init(manager: any ServiceManager) { self.manager = manager }

    public func run(_ input: ServiceRequest, context: ActivityContext) async throws
        -> ServiceActionResult
    {
        try await manager.restart(input.service)
    }
}

/// Reads a service's status (`services.status`).
public struct ServiceStatusActivity: Activity {
    public static let name = "services.status"
    public let manager: any ServiceManager
    public init(manager: any ServiceManager) { self.manager = manager }

    public func run(_ input: ServiceRequest, context: ActivityContext) async throws
        -> ServiceStatus
    {
        try await manager.status(of: input.service)
    }
}

/// Reads a service's recent output lines (`services.recent-output`).
public struct RecentOutputActivity: Activity {
    public static let name = "services.recent-output"
    public let manager: any ServiceManager
    public init(manager: any ServiceManager) { self.manager = manager }

    public func run(_ input: RecentOutputRequest, context: ActivityContext) async throws
        -> RecentOutput
    {
        RecentOutput(
            service: input.service,
            lines: try await manager.recentOutput(of: input.service, lines: input.lines))
    }
}

/// Lists services with their status (`services.list`).
public struct ListServicesActivity: Activity {
    public static let name = "services.list"
    public let manager: any ServiceManager
    public init(manager: any ServiceManager) { self.manager = manager }

    public func run(_ input: ListServicesRequest, context: ActivityContext) async throws
        -> ServiceList
    {
        ServiceList(services: try await manager.list())
    }
}
