/// A notification a channel's receiver did not accept.
public struct AlertDeliveryError: Error, CustomStringConvertible, Sendable, Equatable {
    public var channel: String
    public var message: String

    public init(channel: String, message: String) {
        self.channel = channel
        self.message = message
    }

    public var description: String { "alert channel \(channel): \(message)" }
}
