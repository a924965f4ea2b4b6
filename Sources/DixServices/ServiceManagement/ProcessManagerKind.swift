import Foundation

/// Which service manager backend to use, as given by config or `--process-manager`.
///
/// ```swift
/// let kind = try ProcessManagerKind(parsing: "direct")
/// let manager = try kind.makeManager(ServiceManagerConfiguration(mode: .execute, direct: direct))
/// ```
public enum ProcessManagerKind: String, Sendable, Hashable, Codable, CaseIterable,
    CustomStringConvertible
{
    /// systemd units through systemctl and journalctl.
    case systemd
    /// Processes spawned and supervised by dixmgr itself.
    case direct

    /// Parses `systemd` or `direct` (any case, surrounding spaces ignored).
    public init(parsing text: String) throws(ServiceManagerError) {
        let normalized = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let kind = ProcessManagerKind(rawValue: normalized) else {
            throw ServiceManagerError(
                .invalidConfiguration,
                "unknown process manager \(String(reflecting: text)); expected systemd or direct")
        }
        self = kind
    }

    public var description: String { rawValue }

    /// Creates the backend this kind names.
    public func makeManager(_ configuration: ServiceManagerConfiguration) throws(ServiceManagerError)
        -> any ServiceManager
    {
        switch self {
        case .systemd:
            return SystemdServiceManager(
                mode: configuration.mode, configuration: configuration.systemd,
                logger: configuration.logger)
        case .direct:
            guard let direct = configuration.direct else {
                throw ServiceManagerError(
                    .invalidConfiguration,
                    "the direct process manager needs a state directory and service definitions")
            }
            var seen: Set<String> = []
            for service in direct.services {
                try service.validate()
                guard seen.insert(service.name).inserted else {
                    throw ServiceManagerError(
                        .invalidConfiguration, service: service.name,
                        "the direct service is defined twice")
                }
            }
            return DirectProcessManager(
                mode: configuration.mode, configuration: direct, logger: configuration.logger)
        }
    }
}
