import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Reads what Linux publishes about processes under /proc.
package enum ProcFS {
    /// The fields of /proc/PID/stat that dixmgr uses.
    package struct Stat: Sendable, Hashable {
        package var pid: Int32
        package var state: Character
        package var parentPID: Int32
        /// User plus system CPU time in clock ticks.
        package var cpuTicks: UInt64
        /// Start time after boot in clock ticks; with the PID it identifies a process across PID reuse.
        package var startTicks: UInt64
    }

    /// Clock ticks per second (`getconf CLK_TCK`).
    package static let ticksPerSecond: Double = {
        let value = sysconf(Int32(_SC_CLK_TCK))
        return value > 0 ? Double(value) : 100
    }()

    /// Reads a whole small /proc file; nil when the process (or file) is gone.
    package static func read(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// /proc/PID/stat, or nil if the process is gone.
    package static func stat(of pid: Int32) -> Stat? {
        guard let text = read("/proc/\(pid)/stat"), let close = text.lastIndex(of: ")") else {
            return nil
        }
        // The command name in parentheses may hold spaces and ')', so split after the last ')'.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let state = fields[0].first, let parent = Int32(fields[1]),
            let user = UInt64(fields[11]), let system = UInt64(fields[12]),
            let start = UInt64(fields[19])
        else { return nil }
        return Stat(
            pid: pid, state: state, parentPID: parent, cpuTicks: user + system, startTicks: start)
    }

    /// Whether a process with this PID exists and has not exited (zombies count as exited).
    package static func isRunning(_ pid: Int32) -> Bool {
        guard pid > 0, let stat = stat(of: pid) else { return false }
        return stat.state != "Z" && stat.state != "X"
    }

    /// VmRSS from /proc/PID/status in bytes (0 for kernel threads), nil if the process is gone.
    package static func residentBytes(of pid: Int32) -> UInt64? {
        guard let text = read("/proc/\(pid)/status") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2, let kilobytes = UInt64(parts[1]) else { return nil }
            return kilobytes * 1024
        }
        return 0
    }

    /// read_bytes and write_bytes from /proc/PID/io; nil if unreadable (gone, or not permitted).
    package static func io(of pid: Int32) -> (read: UInt64, write: UInt64)? {
        guard let text = read("/proc/\(pid)/io") else { return nil }
        var read: UInt64?
        var write: UInt64?
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let value = UInt64(parts[1].trimmingCharacters(in: .whitespaces))
            switch parts[0] {
            case "read_bytes": read = value
            case "write_bytes": write = value
            default: break
            }
        }
        guard let read, let write else { return nil }
        return (read, write)
    }

    /// Every PID currently listed in /proc.
    package static func allPIDs() -> [Int32] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else {
            return []
        }
        return names.compactMap(Int32.init)
    }

    /// `root` and all its descendants that are alive now, root first.
    package static func processTree(of root: Int32) -> [Int32] {
        var children: [Int32: [Int32]] = [:]
        for pid in allPIDs() {
            if let stat = stat(of: pid) { children[stat.parentPID, default: []].append(pid) }
        }
        var tree: [Int32] = [root]
        var index = 0
        while index < tree.count {
            tree.append(contentsOf: children[tree[index]] ?? [])
            index += 1
        }
        return tree
    }
}
