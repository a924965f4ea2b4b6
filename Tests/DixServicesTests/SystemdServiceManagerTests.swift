import DixServices
import Foundation
import Testing

/// The systemd backend against a real systemd: PID 1 of private namespaces, started per test
/// by ../shared/tools/systemd-sandbox/sdns.sh and reached through `sdns.sh exec systemctl` as
/// the configurable command prefix.
@Suite(
    "systemd service manager (real systemd sandbox)", .serialized,
    .enabled(if: SystemdSandbox.isAvailable, SystemdSandbox.skipComment))
struct SystemdServiceManagerTests {
    static let lifecycleUnit = """
        [Unit]
        Description=dixservices lifecycle test
        [Service]
        ExecStart=/bin/sh -c 'echo lifecycle-marker; exec sleep 1000'
        Restart=always
        RestartSec=200ms
        """

    static func managers(_ sandbox: SystemdSandbox, units: [String] = [])
        -> (execute: SystemdServiceManager, watch: SystemdServiceManager)
    {
        (
            SystemdServiceManager(
                mode: .execute, configuration: sandbox.configuration(units: units),
                logger: quietLogger),
            SystemdServiceManager(
                mode: .watch, configuration: sandbox.configuration(units: units),
                logger: quietLogger)
        )
    }

    @Test func lifecycleMatchesTheServiceManagerContract() async throws {
        try await SystemdSandbox.with { sandbox in
            try await sandbox.install(unit: "lifecycle.service", Self.lifecycleUnit)
            let (execute, watch) = Self.managers(sandbox, units: ["lifecycle.service"])
            try await ServiceManagerConformance.lifecycle(
                execute: execute, watch: watch, service: "lifecycle.service",
                marker: "lifecycle-marker")
        }
    }

    @Test func countsRestartsAfterTheMainProcessIsKilled() async throws {
        try await SystemdSandbox.with { sandbox in
            try await sandbox.install(unit: "lifecycle.service", Self.lifecycleUnit)
            let (execute, _) = Self.managers(sandbox)
            try await ServiceManagerConformance.restartAfterKill(
                execute: execute, service: "lifecycle"
            ) { pid in
                // The PID is the sandbox namespace's; kill it from inside.
                try await sandbox.exec(["kill", "-KILL", String(pid)])
            }
        }
    }

    @Test func readsStatusFieldsAndJournalLines() async throws {
        try await SystemdSandbox.with { sandbox in
            try await sandbox.install(
                unit: "chatty.service",
                """
                [Service]
                ExecStart=/bin/sh -c 'for i in 1 2 3 4 5; do echo chatty line $i; done; exec sleep 1000'
                """)
            try await sandbox.install(
                unit: "crash.service",
                """
                [Service]
                ExecStart=/bin/sh -c 'echo crashing now; exit 3'
                """)
            let (execute, _) = Self.managers(sandbox)
            _ = try await execute.start("chatty.service")
            let chatty = try await execute.status(of: "chatty.service")
            #expect(chatty.isActive)
            #expect(chatty.isLoaded)
            #expect(chatty.mainPID != nil)
            let started = try #require(chatty.startedAt)
            #expect(abs(started.timeIntervalSinceNow) < 120)

            // `journalctl -u` also holds systemd's own lines about the unit ("Started ...").
            var lines: [String] = []
            let sawLines = try await eventually {
                lines = try await execute.recentOutput(of: "chatty.service", lines: 20)
                return lines.filter { $0.hasPrefix("chatty line") }
                    == ["chatty line 1", "chatty line 2", "chatty line 3", "chatty line 4", "chatty line 5"]
            }
            #expect(sawLines, "journal: \(lines)")
            #expect(try await execute.recentOutput(of: "chatty.service", lines: 2) == Array(lines.suffix(2)))

            _ = try? await execute.start("crash.service")
            #expect(try await eventually {
                try await execute.status(of: "crash.service").activeState == .failed
            })
            let crashed = try await execute.status(of: "crash.service")
            #expect(crashed.lastExit?.code == 3)
            #expect(crashed.subState == "failed")
            #expect(crashed.detail == "exit-code")
            #expect(try await execute.recentOutput(of: "crash.service", lines: 5).contains("crashing now"))
        }
    }

    @Test func listsLoadedServiceUnits() async throws {
        try await SystemdSandbox.with { sandbox in
            try await sandbox.install(unit: "lifecycle.service", Self.lifecycleUnit)
            let (execute, _) = Self.managers(sandbox)
            _ = try await execute.start("lifecycle")
            let all = try await execute.list()
            #expect(all.contains { $0.name == "lifecycle.service" && $0.isActive })
            #expect(all.contains { $0.name == "systemd-journald.service" })

            let (configured, _) = Self.managers(sandbox, units: ["lifecycle", "systemd-journald"])
            #expect(try await configured.list().map(\.name) == ["lifecycle.service", "systemd-journald.service"])
            _ = try await execute.stop("lifecycle")
        }
    }

    @Test func watchModeChangesNothing() async throws {
        try await SystemdSandbox.with { sandbox in
            try await sandbox.install(unit: "lifecycle.service", Self.lifecycleUnit)
            let (execute, watch) = Self.managers(sandbox)
            let dryStart = try await watch.start("lifecycle")
            #expect(!dryStart.performed)
            #expect(dryStart.message.hasSuffix("systemctl start -- lifecycle.service"))
            #expect(dryStart.status?.activeState == .inactive)
            #expect(try await execute.status(of: "lifecycle").activeState == .inactive)

            _ = try await execute.start("lifecycle")
            let pid = try await execute.status(of: "lifecycle").mainPID
            #expect(try await !watch.restart("lifecycle").performed)
            #expect(try await !watch.stop("lifecycle").performed)
            let after = try await execute.status(of: "lifecycle")
            #expect(after.isActive)
            #expect(after.mainPID == pid)
            #expect(after.restartCount == 0)
            _ = try await execute.stop("lifecycle")
        }
    }

    @Test func unknownUnitIsReportedNotStarted() async throws {
        try await SystemdSandbox.with { sandbox in
            let (execute, _) = Self.managers(sandbox)
            let status = try await execute.status(of: "no-such-unit.service")
            #expect(!status.isLoaded)
            do {
                _ = try await execute.start("no-such-unit")
                Issue.record("starting an unknown unit succeeded")
            } catch let error as ServiceManagerError {
                #expect(error.code == .unknownService)
                #expect(error.service == "no-such-unit.service")
            }
        }
    }
}
