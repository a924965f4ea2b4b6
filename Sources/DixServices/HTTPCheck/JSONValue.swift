import Foundation

/// A parsed JSON document, decoded without Foundation's type guessing so a boolean stays a
/// boolean and a number a number.
public enum JSONValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The value at a dotted path: object keys, and array indexes as numbers
    /// (`status.healthy`, `checks.0.ok`). Nil when any step is missing.
    public func value(at path: String) -> JSONValue? {
        var current = self
        for component in path.split(separator: ".", omittingEmptySubsequences: false) {
            switch current {
            case .object(let members):
                guard let next = members[String(component)] else { return nil }
                current = next
            case .array(let elements):
                guard let index = Int(component), elements.indices.contains(index) else {
                    return nil
                }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }

    /// Health by type: a bool as it is; a string if it is healthy, ok, up, ready or true
    /// (any case); a number if greater than zero; anything else is unhealthy.
    public var isHealthyValue: Bool {
        switch self {
        case .bool(let value): value
        case .string(let value):
            ["healthy", "ok", "up", "ready", "true"].contains(
                value.trimmingCharacters(in: .whitespaces).lowercased())
        case .number(let value): value > 0
        case .null, .array, .object: false
        }
    }

    /// A short rendering for results and messages.
    public var summary: String {
        switch self {
        case .null: "null"
        case .bool(let value): String(value)
        case .number(let value):
            value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .string(let value): "\"\(value)\""
        case .array(let value): "array of \(value.count)"
        case .object(let value): "object with \(value.count) keys"
        }
    }
}
