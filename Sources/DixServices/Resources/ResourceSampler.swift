/// Samples CPU, memory and disk I/O of a process from /proc.
///
/// The window is an asynchronous sleep between two reads, so sampling holds no thread and
/// blocks no other work.
///
/// ```swift
/// switch try await ResourceSampler().sample(.init(pid: 1234, includeChildren: true)) {
/// case .sampled(let usage): print(usage.cpuPercent, usage.residentMemoryBytes)
/// case .vanished: print("gone")
/// }
/// ```
public struct ResourceSampler: Sendable {
    public init() {}

    private struct Reading {
        var cpuTicks: [Int32: UInt64] = [:]
        var io: [Int32: (read: UInt64, write: UInt64)] = [:]
        var ioComplete = true
    }

    public func sample(_ request: ResourceSampleRequest) async throws -> ResourceSampleOutcome {
        let clock = ContinuousClock()
        guard let first = read(request), first.cpuTicks[request.pid] != nil else {
            return .vanished(pid: request.pid)
        }
        let started = clock.now
        try await clock.sleep(for: request.window)
        guard let second = read(request), second.cpuTicks[request.pid] != nil else {
            return .vanished(pid: request.pid)
        }
        let seconds = max((clock.now - started).seconds, 1e-6)

        var ticks: UInt64 = 0
        var readBytes: UInt64 = 0
        var writeBytes: UInt64 = 0
        var memory: UInt64 = 0
        for (pid, end) in second.cpuTicks {
            memory += ProcFS.residentBytes(of: pid) ?? 0
            // A process that appeared during the window counts from zero, as its ticks were.
            let start = first.cpuTicks[pid] ?? 0
            ticks += end >= start ? end - start : 0
            if let endIO = second.io[pid] {
                let startIO = first.io[pid] ?? (0, 0)
                readBytes += endIO.read >= startIO.read ? endIO.read - startIO.read : 0
                writeBytes += endIO.write >= startIO.write ? endIO.write - startIO.write : 0
            }
        }
        let ioAvailable = first.ioComplete && second.ioComplete
        return .sampled(
            ResourceUsage(
                pid: request.pid, processCount: second.cpuTicks.count,
                cpuPercent: Double(ticks) / ProcFS.ticksPerSecond / seconds * 100,
                residentMemoryBytes: memory,
                diskReadBytesPerSecond: ioAvailable ? Double(readBytes) / seconds : nil,
                diskWriteBytesPerSecond: ioAvailable ? Double(writeBytes) / seconds : nil,
                windowSeconds: seconds))
    }

    private func read(_ request: ResourceSampleRequest) -> Reading? {
        guard ProcFS.isRunning(request.pid) else { return nil }
        let pids = request.includeChildren ? ProcFS.processTree(of: request.pid) : [request.pid]
        var reading = Reading()
        for pid in pids {
            guard let stat = ProcFS.stat(of: pid) else { continue }
            reading.cpuTicks[pid] = stat.cpuTicks
            if let io = ProcFS.io(of: pid) {
                reading.io[pid] = io
            } else {
                reading.ioComplete = false
            }
        }
        return reading
    }
}
