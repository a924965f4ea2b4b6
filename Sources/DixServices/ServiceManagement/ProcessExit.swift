import Foundation

/// How a process ended.
public struct ProcessExit: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The exit code when the process exited by itself.
    public var code: Int32?
    /// The signal that killed the process.
    public var signal: Int32?
    /// When the end was observed.
    public var at: Date

    public init(code: Int32? = nil, signal: Int32? = nil, at: Date = Date()) {
        self.code = code
        self.signal = signal
        self.at = at
    }

    /// Exit code 0. An ending that could not be observed (a re-adopted process is not our
    /// child, so its status is not ours to read) is not a success.
    public var isSuccess: Bool { code == 0 && signal == nil }

    public var description: String {
        if let signal { return "killed by signal \(signal)" }
        if let code { return "exited with code \(code)" }
        return "ended (status unknown)"
    }
}
