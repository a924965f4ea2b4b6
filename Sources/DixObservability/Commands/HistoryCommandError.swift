/// Bad input to a `dixctl history` command: the CLI prints `error: <message>` and exits 2.
public struct HistoryCommandError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The option or argument at fault, e.g. `--since`.
    public var option: String
    public var message: String

    public init(option: String, message: String) {
        self.option = option
        self.message = message
    }

    public var description: String { "\(option): \(message)" }
}
