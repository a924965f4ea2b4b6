import DixServices
import Testing

/// Name validation happens before any command runs, so it needs no systemd.
@Suite("systemd unit names")
struct UnitNameTests {
    @Test(arguments: ["nginx", "nginx.service", "polkadot@kusama.service", "dev-sda1.device", "a:b_c-d.timer"])
    func acceptsValidNames(_ name: String) throws {
        let unit = try UnitName(name)
        #expect(unit.rawValue.hasPrefix(name))
        #expect(UnitName.unitTypes.contains(String(unit.rawValue.split(separator: ".").last!)))
    }

    @Test(arguments: ["", "-H", "--now", "--host=evil", "a b", "a;reboot", "a/b", "ünit", "$(x)", "@.service", "x@.service", ".service"])
    func rejectsInvalidNames(_ name: String) {
        #expect(throws: ServiceManagerError.self) { try UnitName(name) }
    }

    @Test func rejectionRunsNoCommand() async throws {
        // A command that would fail loudly if it ran.
        let manager = SystemdServiceManager(
            mode: .execute,
            configuration: SystemdConfiguration(
                systemctlCommand: ["/nonexistent/systemctl"], journalctlCommand: ["/nonexistent/journalctl"]),
            logger: quietLogger)
        for call in 0..<3 {
            do {
                switch call {
                case 0: _ = try await manager.start("--force")
                case 1: _ = try await manager.status(of: "-H evil")
                default: _ = try await manager.recentOutput(of: "x;y", lines: 3)
                }
                Issue.record("an invalid name was accepted")
            } catch let error as ServiceManagerError {
                #expect(error.code == .invalidServiceName)
            }
        }
    }
}
