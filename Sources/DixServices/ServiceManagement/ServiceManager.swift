/// Starts, stops and inspects the services of a host.
///
/// Two backends conform: ``SystemdServiceManager`` (units, through `systemctl` and `journalctl`)
/// and ``DirectProcessManager`` (plain processes that dixmgr spawns and supervises). Both honour
/// ``ServiceManagerMode``: in `.watch` every mutating call logs what it would do, changes nothing
/// and returns a result whose `performed` is `false`; status calls work in both modes.
///
/// ```swift
/// let manager = try ProcessManagerKind(parsing: "systemd").makeManager(configuration)
/// let result = try await manager.restart("polkadot.service")
/// let status = try await manager.status(of: "polkadot.service")
/// ```
public protocol ServiceManager: Sendable {
    /// Whether mutating calls act or only log.
    var mode: ServiceManagerMode { get }

    /// Starts the service; starting a running service changes nothing.
    func start(_ service: String) async throws -> ServiceActionResult
    /// Stops the service; stopping a stopped service changes nothing.
    func stop(_ service: String) async throws -> ServiceActionResult
    /// Stops the service if it runs, then starts it.
    func restart(_ service: String) async throws -> ServiceActionResult
    /// The current state of the service.
    func status(of service: String) async throws -> ServiceStatus
    /// The last `lines` lines the service wrote (journal or log file), oldest first.
    func recentOutput(of service: String, lines: Int) async throws -> [String]
    /// The status of every service this manager knows.
    func list() async throws -> [ServiceStatus]
}
