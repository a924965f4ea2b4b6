import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A worker's proof of life: an exclusive `flock` on its own file, `<database>-workers/<worker
/// ID>`, held for as long as the worker runs.
///
/// The kernel drops the lock when the process ends, however it ends (SIGKILL included), so a
/// worker starting on the same database can tell a dead worker's runs from a live one's and take
/// them over at once instead of after their lease expires. Unlike a test of the pid in the worker
/// ID, this holds across pid namespaces (two containers sharing a database see different pids)
/// and is not fooled by a dead worker's pid reused by another process. A worker that cannot
/// create its file does not start. One without a file (a dixmgr from before these files) is never
/// judged dead here: its runs are taken over when their lease expires.
package final class WorkerLivenessLock: Sendable {
    private let descriptor: Int32
    private let path: String

    /// Creates the worker's file and locks it; throws when it cannot (nothing is left locked).
    package init(databasePath: String, workerID: String) throws {
        let directory = Self.directory(forDatabase: databasePath)
        if mkdir(directory, 0o755) != 0 && errno != EEXIST {
            throw EngineError(.storage, "cannot create \(directory) for workers' liveness locks: \(String(cString: strerror(errno)))")
        }
        path = Self.file(of: workerID, databasePath: databasePath)
        if Self.liveness(of: workerID, databasePath: databasePath) == .running {
            throw EngineError(.storage, "another live worker uses the ID \(workerID) on this database (\(path) is locked)")
        }
        // Locked under a name that no one tests, then renamed into place: a worker testing the
        // directory never finds the file of a worker still starting unlocked.
        let starting = directory + "/" + Self.startingPrefix + Self.fileName(for: workerID)
        descriptor = open(starting, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw EngineError(.storage, "cannot create \(starting): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0, rename(starting, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(starting)
            close(descriptor)
            throw EngineError(.storage, "cannot lock \(path): \(reason)")
        }
    }

    /// Files of workers still starting begin so; an encoded worker ID never does.
    private static let startingPrefix = ".starting-"

    /// Opens and locks `path`: its descriptor if no one held the lock and the file is still the
    /// one at `path`, else nil. (A worker restarting with the same ID renames its locked file
    /// over the dead one's; a lock on the file it replaced says nothing of it.)
    private static func lockIfUnheld(_ path: String) -> Int32? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0, isFile(descriptor, at: path) else {
            close(descriptor)
            return nil
        }
        return descriptor
    }

    /// Whether `path` names the file open as `descriptor`.
    fileprivate static func isFile(_ descriptor: Int32, at path: String) -> Bool {
        var open = stat()
        var named = stat()
        return fstat(descriptor, &open) == 0 && stat(path, &named) == 0 && open.st_dev == named.st_dev && open.st_ino == named.st_ino
    }

    /// Removes the file, then lets the lock go: a worker stopping gracefully leaves nothing.
    package func release() {
        unlink(path)
        close(descriptor)
    }

    package static func directory(forDatabase path: String) -> String { path + "-workers" }

    /// The file whose lock tells whether worker `workerID` runs.
    static func file(of workerID: String, databasePath: String) -> String {
        directory(forDatabase: databasePath) + "/" + fileName(for: workerID)
    }

    /// Worker IDs as file names: letters, digits, `.`, `_` and `-` as they are, other bytes as
    /// `%XX` (a `/` in an ID cannot reach outside the directory, nor `..` name it).
    static func fileName(for workerID: String) -> String {
        var name = ""
        for byte in workerID.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "_"), UInt8(ascii: "-"):
                name.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: ".") where !name.isEmpty:
                name.append(".")
            default:
                name += String(format: "%%%02X", byte)
            }
        }
        return name
    }

    static func workerID(fromFileName name: String) -> String? {
        name.removingPercentEncoding
    }

    /// Whether the worker `workerID` of the database at `databasePath` runs: its file locked
    /// (running), there and unlocked (gone without stopping gracefully), or missing (unknown).
    package static func liveness(of workerID: String, databasePath: String) -> WorkerLiveness {
        let path = file(of: workerID, databasePath: databasePath)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .unknown }
        defer { close(descriptor) }
        return flock(descriptor, LOCK_EX | LOCK_NB) == 0 ? .gone : errno == EWOULDBLOCK ? .running : .unknown
    }

    /// The workers of the database at `databasePath` that hold their lock.
    package static func runningWorkers(databasePath: String) -> [String] {
        workerFiles(databasePath: databasePath).compactMap { workerID, _ in
            liveness(of: workerID, databasePath: databasePath) == .running ? workerID : nil
        }
    }

    /// The worker IDs with a file in the directory, and the files' paths, in order.
    private static func workerFiles(databasePath: String) -> [(workerID: String, path: String)] {
        let directory = directory(forDatabase: databasePath)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.sorted().compactMap { name in
            guard !name.hasPrefix(startingPrefix), let workerID = workerID(fromFileName: name) else { return nil }
            return (workerID, directory + "/" + name)
        }
    }

    /// Workers whose file is in the directory and not locked: they ended without stopping
    /// gracefully. Each is returned with its file locked by the caller, so that no one else
    /// takes it for dead at the same time; `forget` removes the file once its runs are released.
    package static func deadWorkers(databasePath: String, except ownID: String) -> [DeadWorker] {
        workerFiles(databasePath: databasePath).compactMap { workerID, path in
            guard workerID != ownID, let descriptor = lockIfUnheld(path) else { return nil }
            return DeadWorker(workerID: workerID, path: path, descriptor: descriptor)
        }
    }

    /// A worker found dead, its file locked by the finder until ``forget()``.
    package struct DeadWorker: Sendable {
        package let workerID: String
        let path: String
        let descriptor: Int32

        /// Whether the dead worker's file is still the one at its path: not replaced by a worker
        /// started since with the same ID.
        package var isStillThere: Bool { WorkerLivenessLock.isFile(descriptor, at: path) }

        /// Removes the dead worker's file (unless replaced meanwhile) and lets its lock go.
        package func forget() {
            if isStillThere { unlink(path) }
            close(descriptor)
        }

        /// Lets the lock go and keeps the file, for the next worker to try again.
        package func keep() {
            close(descriptor)
        }
    }
}

/// What is known of a worker's process (see ``WorkerLivenessLock``).
public enum WorkerLiveness: String, Sendable, Codable {
    /// It holds its lock.
    case running
    /// It ended without stopping gracefully (crashed, killed); its runs are taken over by the next
    /// worker to start, or by any once their lease expires.
    case gone
    /// It left no file to tell (a dixmgr from before these files, or one that could not write it).
    case unknown
}
