import DixServices
import Testing

/// The behaviour every ServiceManager backend must show, run against systemd (in the sandbox)
/// and the direct manager alike.
enum ServiceManagerConformance {
    /// `service` must be stopped at the start and print `marker` when it starts.
    static func lifecycle(
        execute: any ServiceManager, watch: any ServiceManager, service: String, marker: String
    ) async throws {
        #expect(execute.mode == .execute)
        #expect(watch.mode == .watch)
        #expect(try await execute.status(of: service).activeState != .active)

        // Watch mode changes nothing; status still works in it.
        let dryStart = try await watch.start(service)
        #expect(!dryStart.performed)
        #expect(dryStart.message.contains("watch mode"))
        #expect(try await watch.status(of: service).activeState != .active)
        #expect(try await execute.status(of: service).activeState != .active)

        let started = try await execute.start(service)
        #expect(started.performed)
        let running = try await execute.status(of: service)
        #expect(running.activeState == .active)
        #expect(running.subState == "running")
        let firstPID = try #require(running.mainPID)
        #expect(running.startedAt != nil)

        let again = try await execute.start(service)
        #expect(!again.performed, "starting a running service changes nothing")

        let sawMarker = try await eventually {
            try await execute.recentOutput(of: service, lines: 20).contains { $0.contains(marker) }
        }
        #expect(sawMarker, "recent output shows what the service printed")

        #expect(try await !watch.stop(service).performed)
        #expect(try await !watch.restart(service).performed)
        #expect(try await execute.status(of: service).mainPID == firstPID)
        #expect(try await execute.status(of: service).isActive)

        let restarted = try await execute.restart(service)
        #expect(restarted.performed)
        let afterRestart = try await execute.status(of: service)
        #expect(afterRestart.activeState == .active)
        let secondPID = try #require(afterRestart.mainPID)
        #expect(secondPID != firstPID)

        #expect(try await execute.list().contains { $0.name == service && $0.isActive })

        let stopped = try await execute.stop(service)
        #expect(stopped.performed)
        let afterStop = try await execute.status(of: service)
        #expect(afterStop.activeState == .inactive)
        #expect(afterStop.mainPID == nil)
        #expect(try await !execute.stop(service).performed)
    }

    /// `service` restarts automatically after its main process is killed; `kill` kills it.
    static func restartAfterKill(
        execute: any ServiceManager, service: String, kill: (Int32) async throws -> Void
    ) async throws {
        _ = try await execute.start(service)
        let before = try await execute.status(of: service)
        let pid = try #require(before.mainPID)
        #expect(before.restartCount == 0)
        try await kill(pid)
        let restarted = try await eventually {
            let status = try await execute.status(of: service)
            return status.restartCount == 1 && status.isActive && status.mainPID != pid
        }
        #expect(restarted, "restarted once after the kill")
        let after = try await execute.status(of: service)
        #expect(after.lastExit?.signal == 9 || after.lastExit == nil)
        _ = try await execute.stop(service)
    }
}
