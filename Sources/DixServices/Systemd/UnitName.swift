/// A systemd unit name that passed validation, so it can go on a command line safely.
///
/// Validation happens before any command runs: a name starting with `-` (which `systemctl`
/// would read as an option), an empty name, or a character systemd does not allow in unit
/// names is rejected. A name without a unit type suffix gets `.service`.
///
/// ```swift
/// let unit = try UnitName("polkadot")        // "polkadot.service"
/// _ = try UnitName("--now")                   // throws .invalidServiceName
/// ```
public struct UnitName: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The full name including its suffix, e.g. `polkadot.service`.
    public let rawValue: String

    /// The unit types systemd knows; a name ending in one keeps its suffix.
    public static let unitTypes: Set<String> = [
        "service", "socket", "target", "device", "mount", "automount", "swap", "timer", "path",
        "slice", "scope",
    ]

    /// The longest unit name systemd accepts.
    public static let maximumLength = 255

    public init(_ name: String) throws(ServiceManagerError) {
        func reject(_ why: String) -> ServiceManagerError {
            ServiceManagerError(.invalidServiceName, service: name, why)
        }
        guard !name.isEmpty else { throw reject("unit name is empty") }
        guard !name.hasPrefix("-") else {
            throw reject("unit name starts with '-' and would be read as an option")
        }
        guard !name.hasPrefix(".") else { throw reject("unit name starts with '.'") }
        for scalar in name.unicodeScalars where !Self.isAllowed(scalar) {
            throw reject(
                "character \(String(reflecting: String(scalar))) is not allowed in a unit name"
                    + " (allowed: ASCII letters, digits, ':', '-', '_', '.', '\\', '@')")
        }
        guard name.filter({ $0 == "@" }).count <= 1 else {
            throw reject("unit name has more than one '@'")
        }
        var full = name
        if let dot = name.lastIndex(of: "."),
            Self.unitTypes.contains(String(name[name.index(after: dot)...]))
        {
            let stem = name[..<dot]
            guard !stem.isEmpty else { throw reject("unit name has no name before its suffix") }
            if stem.hasSuffix("@") { throw reject("\(name) is a template; give an instance") }
        } else {
            full += ".service"
        }
        guard full.utf8.count <= Self.maximumLength else {
            throw reject("unit name is longer than \(Self.maximumLength) bytes")
        }
        rawValue = full
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", ":", "-", "_", ".", "\\", "@": true
        default: false
        }
    }

    public var description: String { rawValue }
}
