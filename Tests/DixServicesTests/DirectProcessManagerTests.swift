import DixServices
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Direct process manager")
struct DirectProcessManagerTests {
    static func manager(
        _ directory: String, _ services: [DirectServiceDefinition],
        mode: ServiceManagerMode = .execute, rotationInterval: Duration = .milliseconds(100)
    ) -> DirectProcessManager {
        DirectProcessManager(
            mode: mode,
            configuration: DirectManagerConfiguration(
                stateDirectory: directory + "/state", services: services,
                logRotationCheckInterval: rotationInterval),
            logger: quietLogger)
    }

    static func sleeper(_ name: String = "sleeper", marker: String = "sleeper-up")
        -> DirectServiceDefinition
    {
        DirectServiceDefinition(
            name: name, executable: "/bin/sh", arguments: ["-c", "echo \(marker); exec sleep 1000"],
            restartPolicy: .onFailure, restartDelay: .milliseconds(50), stopGracePeriod: .seconds(5))
    }

    @Test func lifecycleMatchesTheServiceManagerContract() async throws {
        try await withTemporaryDirectory { directory in
            let definition = Self.sleeper("lifecycle", marker: "lifecycle-marker")
            let execute = Self.manager(directory, [definition])
            let watch = Self.manager(directory, [definition], mode: .watch)
            try await ServiceManagerConformance.lifecycle(
                execute: execute, watch: watch, service: "lifecycle", marker: "lifecycle-marker")
            await execute.shutdown(stopServices: true)
        }
    }

    @Test func restartsAfterKillAndCountsIt() async throws {
        try await withTemporaryDirectory { directory in
            let manager = Self.manager(directory, [Self.sleeper()])
            try await ServiceManagerConformance.restartAfterKill(
                execute: manager, service: "sleeper"
            ) { pid in
                #expect(kill(pid, SIGKILL) == 0)
            }
            let status = try await manager.status(of: "sleeper")
            #expect(status.lastExit?.signal == SIGTERM || status.lastExit?.signal == SIGKILL)
            await manager.shutdown(stopServices: true)
        }
    }

    @Test func stopRecordsSignalAndRemovesPIDFile() async throws {
        try await withTemporaryDirectory { directory in
            let manager = Self.manager(directory, [Self.sleeper()])
            _ = try await manager.start("sleeper")
            let pid = try #require(try await manager.status(of: "sleeper").mainPID)
            let pidFile = "\(directory)/state/run/sleeper.pid"
            let written = try String(contentsOfFile: pidFile, encoding: .utf8)
            #expect(written.trimmingCharacters(in: .whitespacesAndNewlines) == String(pid))

            _ = try await manager.stop("sleeper")
            #expect(!FileManager.default.fileExists(atPath: pidFile))
            #expect(kill(pid, 0) != 0, "the process is gone")
            let status = try await manager.status(of: "sleeper")
            #expect(status.activeState == .inactive)
            #expect(status.lastExit?.signal == SIGTERM)
            #expect(status.restartCount == 0)
        }
    }

    @Test func crashingScriptIsRestartedUpToTheMaximumThenFails() async throws {
        try await withTemporaryDirectory { directory in
            let script = try writeScript("echo crashing; exit 3", named: "crash.sh", in: directory)
            let crasher = DirectServiceDefinition(
                name: "crasher", executable: script, restartPolicy: .onFailure,
                restartDelay: .milliseconds(50), maximumRestarts: 2)
            let manager = Self.manager(directory, [crasher])
            _ = try await manager.start("crasher")
            let failed = try await eventually {
                try await manager.status(of: "crasher").activeState == .failed
            }
            #expect(failed)
            let status = try await manager.status(of: "crasher")
            #expect(status.restartCount == 2)
            #expect(status.detail == "exited with code 3; maximum restart count 2 reached")
            #expect(status.lastExit?.code == 3)
            #expect(status.lastExit?.signal == nil)
            #expect(status.mainPID == nil)
            // Three runs: the start and two restarts, each logged.
            let lines = try await manager.recentOutput(of: "crasher", lines: 10)
            #expect(lines.filter { $0 == "crashing" }.count == 3)
            await manager.shutdown(stopServices: true)
        }
    }

    @Test func policyNeverLeavesAFailedProcessDown() async throws {
        try await withTemporaryDirectory { directory in
            let script = try writeScript("exit 3", named: "crash.sh", in: directory)
            let manager = Self.manager(
                directory,
                [DirectServiceDefinition(name: "once", executable: script, restartPolicy: .never)])
            _ = try await manager.start("once")
            #expect(try await eventually { try await manager.status(of: "once").activeState == .failed })
            let status = try await manager.status(of: "once")
            #expect(status.restartCount == 0)
            #expect(status.lastExit?.code == 3)
        }
    }

    @Test func policyAlwaysRestartsAfterCleanExit() async throws {
        try await withTemporaryDirectory { directory in
            let script = try writeScript("echo run; exit 0", named: "ok.sh", in: directory)
            let manager = Self.manager(
                directory,
                [
                    DirectServiceDefinition(
                        name: "looper", executable: script, restartPolicy: .always,
                        restartDelay: .milliseconds(20), maximumRestarts: 3)
                ])
            _ = try await manager.start("looper")
            #expect(try await eventually { try await manager.status(of: "looper").activeState == .failed })
            let status = try await manager.status(of: "looper")
            #expect(status.restartCount == 3)
            #expect(status.lastExit?.code == 0)
        }
    }

    @Test func stopEscalatesToSIGKILLAfterTheGracePeriod() async throws {
        try await withTemporaryDirectory { directory in
            // SIG_IGN survives exec, so the sleep ignores SIGTERM too.
            let script = try writeScript(
                "trap '' TERM; echo stubborn; sleep 1000", named: "stubborn.sh", in: directory)
            let manager = Self.manager(
                directory,
                [
                    DirectServiceDefinition(
                        name: "stubborn", executable: script, stopGracePeriod: .milliseconds(300))
                ])
            _ = try await manager.start("stubborn")
            #expect(try await eventually {
                try await manager.recentOutput(of: "stubborn", lines: 1) == ["stubborn"]
            })
            let started = ContinuousClock.now
            let result = try await manager.stop("stubborn")
            #expect(ContinuousClock.now - started >= .milliseconds(300))
            #expect(result.performed)
            let status = try await manager.status(of: "stubborn")
            #expect(status.lastExit?.signal == SIGKILL)
            #expect(status.activeState == .inactive)
        }
    }

    @Test func passesArgumentsEnvironmentAndWorkingDirectory() async throws {
        try await withTemporaryDirectory { directory in
            let workdir = directory + "/work"
            try FileManager.default.createDirectory(atPath: workdir, withIntermediateDirectories: true)
            let manager = Self.manager(
                directory,
                [
                    DirectServiceDefinition(
                        name: "env", executable: "sh",
                        arguments: ["-c", #"echo "greeting=$GREETING"; echo "cwd=$(pwd)"; echo "$0 $1""#, "first", "second"],
                        workingDirectory: workdir, environment: ["GREETING": "hello world"],
                        restartPolicy: .never)
                ])
            _ = try await manager.start("env")
            #expect(try await eventually { try await manager.status(of: "env").activeState == .inactive })
            let lines = try await manager.recentOutput(of: "env", lines: 10)
            #expect(lines == ["greeting=hello world", "cwd=\(workdir)", "first second"])
        }
    }

    @Test(.enabled(if: getuid() == 0, "switching user needs root"))
    func runsAsTheConfiguredUserAndGroup() async throws {
        try await withTemporaryDirectory { directory in
            let manager = Self.manager(
                directory,
                [
                    DirectServiceDefinition(
                        name: "unprivileged", executable: "/bin/sh",
                        arguments: ["-c", "echo uid=$(id -u) gid=$(id -g) groups=$(id -G)"],
                        user: "nobody", group: "nogroup", restartPolicy: .never)
                ])
            _ = try await manager.start("unprivileged")
            #expect(try await eventually {
                try await manager.recentOutput(of: "unprivileged", lines: 1).first?.hasPrefix("uid=") == true
            })
            let line = try await manager.recentOutput(of: "unprivileged", lines: 1).first ?? ""
            #expect(line == "uid=65534 gid=65534 groups=65534")
        }
    }

    @Test func rotatesTheLogBySize() async throws {
        try await withTemporaryDirectory { directory in
            let script = try writeScript(
                #"i=0; while :; do echo "line $i of a chatty service"; i=$((i+1)); sleep 0.005; done"#,
                named: "chatty.sh", in: directory)
            let manager = Self.manager(
                directory,
                [
                    DirectServiceDefinition(
                        name: "chatty", executable: script, logMaximumBytes: 2000, logFilesKept: 2)
                ])
            _ = try await manager.start("chatty")
            let logs = "\(directory)/state/logs"
            let rotatedTwice = try await eventually {
                FileManager.default.fileExists(atPath: "\(logs)/chatty.log.2")
            }
            #expect(rotatedTwice)
            // Stopped, so that no rotation is halfway done while the files are looked at.
            _ = try await manager.stop("chatty")
            #expect(!FileManager.default.fileExists(atPath: "\(logs)/chatty.log.3"), "only 2 kept")
            let rotated = try FileManager.default.attributesOfItem(atPath: "\(logs)/chatty.log.1")
            #expect((rotated[.size] as? Int ?? 0) >= 2000)
            let lines = try await manager.recentOutput(of: "chatty", lines: 5)
            #expect(lines.count == 5)
            #expect(lines.allSatisfy { $0.hasSuffix("of a chatty service") })
            await manager.shutdown(stopServices: true)
        }
    }

    @Test func reAdoptsALiveProcessInsteadOfStartingADuplicate() async throws {
        try await withTemporaryDirectory { directory in
            let definition = Self.sleeper()
            let first = Self.manager(directory, [definition])
            _ = try await first.start("sleeper")
            let pid = try #require(try await first.status(of: "sleeper").mainPID)
            // dixmgr goes away, the process stays.
            await first.shutdown(stopServices: false)
            #expect(kill(pid, 0) == 0)

            let second = Self.manager(directory, [definition])
            #expect(await second.adoptRunningProcesses() == ["sleeper": pid])
            let status = try await second.status(of: "sleeper")
            #expect(status.isActive)
            #expect(status.mainPID == pid)
            let start = try await second.start("sleeper")
            #expect(!start.performed)
            #expect(try await second.status(of: "sleeper").mainPID == pid, "no duplicate")

            // The adopted process is supervised: killed, it is restarted.
            #expect(kill(pid, SIGKILL) == 0)
            let replaced = try await eventually {
                let now = try await second.status(of: "sleeper")
                return now.isActive && now.mainPID != nil && now.mainPID != pid
            }
            #expect(replaced)
            let final = try await second.status(of: "sleeper")
            #expect(final.restartCount == 1)
            #expect(final.lastExit?.code == nil && final.lastExit?.signal == nil, "not our child: status unknown")
            _ = try await second.stop("sleeper")
            #expect(try await second.status(of: "sleeper").activeState == .inactive)
        }
    }

    /// As after a real restart of dixmgr: the process is nobody's child any more (its parent
    /// exited), so its end is seen through a pidfd and its status is unknown.
    @Test func reAdoptsAnOrphanedProcessFromAPlainPIDFile() async throws {
        try await withTemporaryDirectory { directory in
            let run = "\(directory)/state/run"
            try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
            let printed = try await withBackgroundProcess(
                ["sh", "-c", "setsid sleep 1000 >/dev/null 2>&1 & echo $!"], waitForFirstLine: true
            ) { _, line in
                // Return (and so kill the shell's group) only once the sleep left it.
                let pid = line.flatMap { Int32($0) } ?? 0
                _ = try await eventually { getsid(pid) == pid }
                return pid
            }
            let pid = try #require(printed > 0 ? printed : nil)
            defer { kill(pid, SIGKILL) }
            #expect(ProcFS.stat(of: pid)?.parentPID != getpid(), "orphaned, not our child")
            try "\(pid)\n".write(toFile: "\(run)/sleeper.pid", atomically: true, encoding: .utf8)

            var definition = Self.sleeper()
            definition.restartPolicy = .never
            let manager = Self.manager(directory, [definition])
            let status = try await manager.status(of: "sleeper")
            #expect(status.isActive)
            #expect(status.mainPID == pid)
            #expect(try await !manager.start("sleeper").performed, "no duplicate")

            let stopped = try await manager.stop("sleeper")
            #expect(stopped.performed)
            #expect(!ProcFS.isRunning(pid))
            let after = try await manager.status(of: "sleeper")
            #expect(after.activeState == .inactive)
            #expect(after.lastExit != nil)
            #expect(after.lastExit?.code == nil && after.lastExit?.signal == nil)
            #expect(!FileManager.default.fileExists(atPath: "\(run)/sleeper.pid"))
        }
    }

    @Test func doesNotAdoptAStalePIDFile() async throws {
        try await withTemporaryDirectory { directory in
            let run = "\(directory)/state/run"
            try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
            // A PID that exited: our own short-lived child.
            let deadPID = try await withBackgroundProcess(["true"]) { pid, _ in pid }
            try "\(deadPID)\n".write(toFile: "\(run)/sleeper.pid", atomically: true, encoding: .utf8)
            let manager = Self.manager(directory, [Self.sleeper()])
            #expect(await manager.adoptRunningProcesses().isEmpty)
            #expect(try await manager.status(of: "sleeper").activeState == .inactive)
            let start = try await manager.start("sleeper")
            #expect(start.performed)
            #expect(try await manager.status(of: "sleeper").mainPID != deadPID)
            await manager.shutdown(stopServices: true)
        }
    }

    @Test func watchModeSpawnsNothing() async throws {
        try await withTemporaryDirectory { directory in
            let manager = Self.manager(directory, [Self.sleeper()], mode: .watch)
            let result = try await manager.start("sleeper")
            #expect(!result.performed)
            #expect(result.message == "watch mode: would start /bin/sh -c echo sleeper-up; exec sleep 1000")
            #expect(!FileManager.default.fileExists(atPath: "\(directory)/state/run/sleeper.pid"))
            #expect(try await manager.status(of: "sleeper").activeState == .inactive)
        }
    }

    @Test func watchModeObservesAnAdoptedProcessButNeverRestartsIt() async throws {
        try await withTemporaryDirectory { directory in
            let execute = Self.manager(directory, [Self.sleeper()])
            _ = try await execute.start("sleeper")
            let pid = try #require(try await execute.status(of: "sleeper").mainPID)
            await execute.shutdown(stopServices: false)

            let watch = Self.manager(directory, [Self.sleeper()], mode: .watch)
            #expect(try await watch.status(of: "sleeper").mainPID == pid)
            #expect(try await !watch.stop("sleeper").performed)
            #expect(kill(pid, 0) == 0, "watch mode did not stop it")
            #expect(kill(pid, SIGKILL) == 0)
            #expect(try await eventually {
                try await watch.status(of: "sleeper").activeState == .inactive
            })
            try await Task.sleep(for: .milliseconds(200))  // longer than the restart delay
            let status = try await watch.status(of: "sleeper")
            #expect(status.activeState == .inactive)
            #expect(status.mainPID == nil)
            #expect(!FileManager.default.fileExists(atPath: "\(directory)/state/run/sleeper.pid"))
        }
    }

    @Test func rejectsUnknownAndInvalidNames() async throws {
        try await withTemporaryDirectory { directory in
            let manager = Self.manager(directory, [Self.sleeper()])
            await #expect(throws: ServiceManagerError.self) { try await manager.start("nope") }
            do {
                _ = try await manager.start("../escape")
                Issue.record("an invalid name was accepted")
            } catch let error as ServiceManagerError {
                #expect(error.code == .invalidServiceName)
                #expect(error.service == "../escape")
            }
            do {
                _ = try await manager.status(of: "nope")
                Issue.record("an unknown name was accepted")
            } catch let error as ServiceManagerError {
                #expect(error.code == .unknownService)
            }
        }
    }

    @Test func spawnFailureIsAClearError() async throws {
        try await withTemporaryDirectory { directory in
            let manager = Self.manager(
                directory,
                [DirectServiceDefinition(name: "missing", executable: "/nonexistent/program")])
            do {
                _ = try await manager.start("missing")
                Issue.record("spawning a missing program succeeded")
            } catch let error as ServiceManagerError {
                #expect(error.code == .spawnFailed)
                #expect(error.description.contains("/nonexistent/program"))
            }
        }
    }
}
