import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Tells the processes sharing a database that something changed, without polling: writers
/// touch a file beside the database and readers watch its directory with inotify.
package final class ChangeNotifier: Sendable {
    package let path: String

    package init(databasePath: String) {
        path = databasePath + "-notify"
    }

    /// Signals a change to every watcher.
    package func touch() {
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        close(fd)
    }

    /// Yields each time the file is touched (by any process). Ends when the stream is dropped.
    package func changes() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else {
            continuation.finish()
            return stream
        }
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let mask = UInt32(IN_CLOSE_WRITE) | UInt32(IN_ATTRIB) | UInt32(IN_MOVED_TO) | UInt32(IN_CREATE)
        guard inotify_add_watch(fd, directory.isEmpty ? "." : directory, mask) >= 0 else {
            close(fd)
            continuation.finish()
            return stream
        }
        let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: DispatchQueue(label: "dixmgr.notify"))
        source.setEventHandler {
            var buffer = [UInt8](repeating: 0, count: 4096)
            var matched = false
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count <= 0 { break }
                var offset = 0
                while offset + 16 <= count {
                    let length = buffer.withUnsafeBytes { Int($0.load(fromByteOffset: offset + 12, as: UInt32.self)) }
                    if length > 0 {
                        let bytes = buffer[(offset + 16)..<min(count, offset + 16 + length)]
                        let eventName = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
                        if eventName == name { matched = true }
                    }
                    offset += 16 + length
                }
            }
            if matched { continuation.yield() }
        }
        source.setCancelHandler { close(fd) }
        let box = SourceBox(source: source)
        continuation.onTermination = { _ in box.source.cancel() }
        source.resume()
        return stream
    }
}

/// Carries a dispatch source into a `@Sendable` termination handler.
/// Safe: `DispatchSource.cancel()` may be called from any thread.
private struct SourceBox: @unchecked Sendable {
    let source: any DispatchSourceRead
}
