/// How ``SystemdServiceManager`` reaches systemd.
///
/// The commands are prefixes: arguments are appended to them. `["systemctl", "--user"]` manages
/// a user's units; `["sdns.sh", "exec", "systemctl"]` reaches a sandboxed systemd in tests.
/// Status reads timestamps with `systemctl show --timestamp=unix`, which needs systemd 251 or
/// later (Debian 12 ships 252).
public struct SystemdConfiguration: Sendable, Hashable, Codable {
    /// The command that runs systemctl.
    public var systemctlCommand: [String]
    /// The command that runs journalctl.
    public var journalctlCommand: [String]
    /// Extra environment for both commands.
    public var environment: [String: String]
    /// The units ``SystemdServiceManager/list()`` reports; empty means every loaded service unit.
    public var units: [String]

    public init(
        systemctlCommand: [String] = ["systemctl"], journalctlCommand: [String] = ["journalctl"],
        environment: [String: String] = [:], units: [String] = []
    ) {
        self.systemctlCommand = systemctlCommand
        self.journalctlCommand = journalctlCommand
        self.environment = environment
        self.units = units
    }
}
