import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Waits for a process that is not our child (one re-adopted from a PID file) to exit.
///
/// Uses a pidfd, which becomes readable when the process exits, watched by a DispatchSource:
/// no thread blocks and nothing polls. Where the kernel or C library has no pidfd_open, it
/// falls back to checking /proc once a second.
package enum ProcessExitWatcher {
    private typealias PIDFDOpen = @convention(c) (pid_t, UInt32) -> Int32

    /// glibc 2.36 exports pidfd_open, but the Glibc module does not import <sys/pidfd.h>.
    private static let pidfdOpen: PIDFDOpen? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pidfd_open") else {
            return nil
        }
        return unsafeBitCast(symbol, to: PIDFDOpen.self)
    }()

    private static let queue = DispatchQueue(label: "dixmgr.services.process-exit-watcher")

    /// Returns when the process has exited, or at once if it already has; throws
    /// `CancellationError` if the waiting task is cancelled.
    package static func waitForExit(of pid: Int32) async throws {
        guard let pidfdOpen else {
            while ProcFS.isRunning(pid) { try await Task.sleep(for: .seconds(1)) }
            return
        }
        let descriptor = pidfdOpen(pid, 0)
        guard descriptor >= 0 else { return }  // ESRCH: already gone
        let exited = OneShot<Void>()
        let source = DispatchSource.makeReadSource(fileDescriptor: descriptor, queue: queue)
        source.setEventHandler { exited.resolve(()) }
        source.setCancelHandler { close(descriptor) }
        source.resume()
        defer { source.cancel() }
        // The pidfd may have become readable before the source was armed; /proc settles it.
        if !ProcFS.isRunning(pid) { return }
        guard await exited.wait() != nil else { throw CancellationError() }
    }
}
