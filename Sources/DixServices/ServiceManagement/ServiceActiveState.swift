/// systemd's `ActiveState`, used by both backends.
///
/// A struct over the raw string rather than an enum, so a state a newer systemd reports is kept
/// as it is instead of failing to decode.
public struct ServiceActiveState: RawRepresentable, Sendable, Hashable, Codable,
    CustomStringConvertible
{
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let active = ServiceActiveState(rawValue: "active")
    public static let inactive = ServiceActiveState(rawValue: "inactive")
    public static let activating = ServiceActiveState(rawValue: "activating")
    public static let deactivating = ServiceActiveState(rawValue: "deactivating")
    public static let reloading = ServiceActiveState(rawValue: "reloading")
    public static let failed = ServiceActiveState(rawValue: "failed")

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
