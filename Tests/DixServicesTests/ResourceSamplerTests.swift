import DixServices
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The /proc sampler against real processes.
@Suite("Resources from /proc", .serialized)
struct ResourceSamplerTests {
    /// The best of up to ten 100 ms samples: other work on a shared machine can take the CPU
    /// from a busy process for a moment, but not for ten windows in a row.
    static func bestCPU(_ request: ResourceSampleRequest, until good: (Double) -> Bool) async throws
        -> (best: Double, all: [Double], processCount: Int)
    {
        var samples: [Double] = []
        var processCount = 0
        for _ in 0..<10 {
            let usage = try #require(try await ResourceSampler().sample(request).usage)
            samples.append(usage.cpuPercent)
            processCount = usage.processCount
            if good(usage.cpuPercent) { break }
        }
        return (samples.max() ?? 0, samples, processCount)
    }

    /// On-CPU nanoseconds from /proc/PID/schedstat: the scheduler's own accounting, independent
    /// of the clock ticks in /proc/PID/stat that the sampler reads.
    static func scheduledNanoseconds(_ pid: Int32) -> Double? {
        ProcFS.read("/proc/\(pid)/schedstat")?.split(separator: " ").first.flatMap { Double($0) }
    }

    @Test func busyProcessUsesAboutOneCore() async throws {
        try await withBackgroundProcess(["sh", "-c", "while :; do :; done"]) { pid, _ in
            // On an idle machine a busy loop gets a whole core, about 100 %. On a shared one
            // (CI, parallel tests) it gets what the scheduler gives it, so the sample is held
            // against the scheduler's own account of the same window rather than against 100.
            let clock = ContinuousClock()
            let before = try #require(Self.scheduledNanoseconds(pid))
            let started = clock.now
            // Half a second: /proc counts CPU time in 10 ms ticks, ±2 points over this window.
            let usage = try #require(
                try await ResourceSampler().sample(ResourceSampleRequest(pid: pid, window: .milliseconds(500))).usage)
            let elapsed = (clock.now - started) / .nanoseconds(1)
            let after = try #require(Self.scheduledNanoseconds(pid))
            let reference = (after - before) / elapsed * 100
            #expect(usage.processCount == 1)
            #expect(usage.windowSeconds >= 0.1)
            #expect(abs(usage.cpuPercent - reference) < 25, "sampled \(usage.cpuPercent) %, scheduler says \(reference) %")

            let cpu = try await Self.bestCPU(ResourceSampleRequest(pid: pid)) { $0 > 80 }
            #expect(cpu.all.allSatisfy { $0 < 130 }, "one thread cannot use much more than a core: \(cpu.all)")
            if cpu.best <= 80 {
                print("note: busy loop got at most \(cpu.best) % of a core; the machine is busy")
            }
            try await withBackgroundProcess(["sleep", "30"]) { idlePID, _ in
                let idle = try #require(try await ResourceSampler().sample(ResourceSampleRequest(pid: idlePID)).usage)
                #expect(idle.cpuPercent < 15, "a sleeping process is idle: \(idle.cpuPercent)")
                #expect(cpu.best > idle.cpuPercent, "busy \(cpu.all) vs idle \(idle.cpuPercent)")
            }
        }
    }

    @Test func processTreeAddsUpItsChildren() async throws {
        let script = "sh -c 'while :; do :; done' & sh -c 'while :; do :; done' & wait"
        try await withBackgroundProcess(["sh", "-c", script]) { pid, _ in
            defer { for child in ProcFS.processTree(of: pid).dropFirst() { kill(child, SIGKILL) } }
            #expect(try await eventually { ProcFS.processTree(of: pid).count == 3 })
            let alone = try #require(try await ResourceSampler().sample(ResourceSampleRequest(pid: pid)).usage)
            #expect(alone.processCount == 1)
            #expect(alone.cpuPercent < 20, "the waiting shell is idle")
            // Sampled in the same window, the tree is the sum of its busy children, per core
            // (not averaged over cores): two busy cores give up to 200 %. Over one second, the
            // 10 ms ticks /proc counts in put each reading within ±1 point, and the three
            // windows' different start times matter little.
            let children = Array(ProcFS.processTree(of: pid).dropFirst())
            let sampler = ResourceSampler()
            let window = Duration.seconds(1)
            async let treeSample = sampler.sample(ResourceSampleRequest(pid: pid, includeChildren: true, window: window))
            async let firstSample = sampler.sample(ResourceSampleRequest(pid: children[0], window: window))
            async let secondSample = sampler.sample(ResourceSampleRequest(pid: children[1], window: window))
            let tree = try #require(try await treeSample.usage)
            let first = try #require(try await firstSample.usage)
            let second = try #require(try await secondSample.usage)
            #expect(tree.processCount == 3)
            let busiest = try await Self.bestCPU(
                ResourceSampleRequest(pid: pid, includeChildren: true)) { $0 > alone.cpuPercent + 10 }
            #expect(busiest.best > alone.cpuPercent, "two busy loops: \(busiest.all)")
            #expect(
                abs(tree.cpuPercent - (first.cpuPercent + second.cpuPercent)) < 25,
                "tree \(tree.cpuPercent) vs children \(first.cpuPercent) + \(second.cpuPercent)")
        }
    }

    @Test func residentMemoryOfAKnownAllocation() async throws {
        let megabytes = 96
        let script = "b = bytearray(b'\\x01') * (\(megabytes) << 20); print('ready', flush=True); import time; time.sleep(600)"
        try await withBackgroundProcess(["python3", "-c", script], waitForFirstLine: true) { pid, line in
            #expect(line == "ready")
            let usage = try #require(try await ResourceSampler().sample(ResourceSampleRequest(pid: pid)).usage)
            let resident = Double(usage.residentMemoryBytes) / Double(1 << 20)
            #expect(resident >= Double(megabytes) && resident < Double(megabytes) + 60, "rss \(resident) MiB")
        }
    }

    @Test func diskWritesPerSecond() async throws {
        try await withTemporaryDirectory { directory in
            // One process writing 64 KiB and syncing it to storage, over and over.
            let script = """
                import os
                f = os.open("\(directory)/data", os.O_WRONLY | os.O_CREAT)
                print("ready", flush=True)
                while True:
                    os.pwrite(f, b"x" * 65536, 0)
                    os.fsync(f)
                """
            try await withBackgroundProcess(["python3", "-c", script], waitForFirstLine: true) { pid, _ in
                var best = 0.0
                for _ in 0..<10 {
                    let usage = try #require(
                        try await ResourceSampler().sample(
                            ResourceSampleRequest(pid: pid, window: .milliseconds(200))).usage)
                    best = max(best, try #require(usage.diskWriteBytesPerSecond))
                    #expect(usage.diskReadBytesPerSecond != nil)
                    if best > 64 * 1024 { break }
                }
                #expect(best > 64 * 1024, "at least one 64 KiB block per second reached storage: \(best)")
            }
        }
    }

    @Test func vanishedProcessIsAResult() async throws {
        let pid = try await withBackgroundProcess(["true"]) { pid, _ in pid }
        // After the helper returned the process is reaped.
        let outcome = try await ResourceSampler().sample(ResourceSampleRequest(pid: pid))
        #expect(outcome == .vanished(pid: pid))
    }

    @Test func processEndingDuringTheWindowIsVanished() async throws {
        try await withBackgroundProcess(["sleep", "0.05"]) { pid, _ in
            let outcome = try await ResourceSampler().sample(
                ResourceSampleRequest(pid: pid, window: .milliseconds(400)))
            #expect(outcome == .vanished(pid: pid))
        }
    }
}
