import Foundation

/// A child process whose standard output is read line by line as it comes, without polling:
/// a Dispatch thread blocks on the pipe and feeds an async stream.
final class ProcessLines: Sendable {
    let process: Process
    let lines: AsyncStream<String>
    private let input: Pipe

    init(executable: String, arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardInput = input
        process.standardError = FileHandle.standardError
        let (lines, continuation) = AsyncStream.makeStream(of: String.self)
        try process.run()
        self.process = process
        self.lines = lines
        self.input = input
        let reader = output.fileHandleForReading
        DispatchQueue.global().async {
            var pending = Data()
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 0x0A) {
                    continuation.yield(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                    pending = Data(pending[pending.index(after: newline)...])
                }
            }
            continuation.finish()
        }
    }

    /// Closes the child's standard input; the fixtures exit on it. Not waited for, so that a
    /// test's cleanup never blocks a thread of the shared concurrency pool.
    func stop() {
        try? input.fileHandleForWriting.close()
    }
}
