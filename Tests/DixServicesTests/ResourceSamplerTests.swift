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

    @Test func busyProcessUsesAboutOneCore() async throws {
        try await withBackgroundProcess(["sh", "-c", "while :; do :; done"]) { pid, _ in
            let cpu = try await Self.bestCPU(ResourceSampleRequest(pid: pid)) { $0 > 80 }
            #expect(cpu.processCount == 1)
            #expect(cpu.best > 80, "near 100 %: \(cpu.all)")
            #expect(cpu.all.allSatisfy { $0 < 130 }, "one thread cannot use much more than a core: \(cpu.all)")
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
            // (not averaged over cores): two busy cores give up to 200 %.
            let children = Array(ProcFS.processTree(of: pid).dropFirst())
            let sampler = ResourceSampler()
            async let treeSample = sampler.sample(ResourceSampleRequest(pid: pid, includeChildren: true))
            async let firstSample = sampler.sample(ResourceSampleRequest(pid: children[0]))
            async let secondSample = sampler.sample(ResourceSampleRequest(pid: children[1]))
            let tree = try #require(try await treeSample.usage)
            let first = try #require(try await firstSample.usage)
            let second = try #require(try await secondSample.usage)
            #expect(tree.processCount == 3)
            #expect(tree.cpuPercent > 60, "two busy loops: \(tree.cpuPercent)")
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
            let script = "while :; do dd if=/dev/zero of=\(directory)/f bs=64k count=16 conv=fsync 2>/dev/null; done"
            try await withBackgroundProcess(["sh", "-c", script]) { pid, _ in
                let usage = try #require(
                    try await ResourceSampler().sample(
                        ResourceSampleRequest(pid: pid, includeChildren: true, window: .milliseconds(300))).usage)
                #expect(usage.diskWriteBytesPerSecond != nil)
                #expect(usage.diskReadBytesPerSecond != nil)
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
