import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The log file that a direct service's standard output and error go to.
///
/// The process writes straight to the file (opened with O_APPEND), so its output survives a
/// restart of dixmgr and a re-adopted process keeps logging. Rotation therefore copies and
/// truncates: `name.log` is copied to `name.log.1` (older files shift up), then truncated;
/// the process's appends continue at the new end. Lines written between copy and truncate
/// can be lost, the known price of copy-truncate.
struct ServiceLogFile: Sendable {
    let path: String
    let maximumBytes: Int
    let filesKept: Int

    init(directory: String, definition: DirectServiceDefinition) {
        path = "\(directory)/\(definition.name).log"
        maximumBytes = definition.logMaximumBytes
        filesKept = definition.logFilesKept
    }

    /// Opens the file for the child's output; the caller hands the descriptor to the spawn.
    func openForAppending() throws(ServiceManagerError) -> Int32 {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else {
            throw ServiceManagerError(
                .spawnFailed, "cannot open log file \(path): \(String(cString: strerror(errno)))")
        }
        return descriptor
    }

    func rotatedPath(_ index: Int) -> String { "\(path).\(index)" }

    var size: Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }

    /// Rotates when the file has reached its maximum size; returns whether it did.
    @discardableResult
    func rotateIfNeeded() throws -> Bool {
        guard size >= maximumBytes else { return false }
        let files = FileManager.default
        if filesKept > 0 {
            try? files.removeItem(atPath: rotatedPath(filesKept))
            for index in stride(from: filesKept - 1, through: 1, by: -1)
            where files.fileExists(atPath: rotatedPath(index)) {
                try files.moveItem(atPath: rotatedPath(index), toPath: rotatedPath(index + 1))
            }
            let contents = try Data(contentsOf: URL(fileURLWithPath: path))
            // Atomic, so a reader never sees a half-written newest rotated file.
            try contents.write(to: URL(fileURLWithPath: rotatedPath(1)), options: .atomic)
        }
        guard truncate(path, 0) == 0 else {
            throw ServiceManagerError(
                .invalidConfiguration,
                "cannot truncate log file \(path): \(String(cString: strerror(errno)))")
        }
        return true
    }

    /// The last `count` lines, reading into the newest rotated file when the current one is short.
    func lastLines(_ count: Int) -> [String] {
        guard count > 0 else { return [] }
        var lines: [String] = []
        for file in [path] + (filesKept > 0 ? [rotatedPath(1)] : []) {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            let fileLines = String(decoding: data, as: UTF8.self)
                .split(separator: "\n", omittingEmptySubsequences: false)
                .map(String.init)
            let trimmed = fileLines.last == "" ? Array(fileLines.dropLast()) : fileLines
            lines = trimmed + lines
            if lines.count >= count { break }
        }
        return Array(lines.suffix(count))
    }
}
