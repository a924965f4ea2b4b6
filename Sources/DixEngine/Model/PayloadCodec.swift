import Foundation

/// JSON encoding of inputs, results and signal payloads, with sorted keys so that equal values
/// give equal bytes (step inputs are compared by digest during replay).
package enum PayloadCodec {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    package static func encode<T: Encodable>(_ value: T) throws -> Data {
        if let data = encodePrimitive(value) { return data }
        return try encoder.encode(value)
    }

    package static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        // No helper returning `T?` here: the runtime would look up the metadata of `Optional<T>`
        // on every call, and every step decodes twice.
        if T.self == Int.self, let value = decodeInt(data) { return unsafeBitCast(value, to: T.self) }
        if T.self == Bool.self, let value = decodeBool(data) { return unsafeBitCast(value, to: T.self) }
        if T.self == String.self, let value = decodePlainString(data) { return unsafeBitCast(value, to: T.self) }
        return try decoder.decode(type, from: data)
    }

    // Integers, booleans and plain ASCII strings are common payloads, and every recorded step
    // encodes its input and decodes its result, replay included. For them the encoder's bytes
    // are known exactly (digits; `true`/`false`; the characters between quotes, none of which
    // JSON escapes), so they are written and read directly; anything else, or any doubt
    // (whitespace, escapes, non-ASCII, leading zeros, 19 digits or more), goes through
    // Foundation. `PayloadCodecTests` checks both ways agree.

    static func encodePrimitive<T>(_ value: T) -> Data? {
        // `T.self ==` and a bit cast rather than `as?`: a dynamic cast per step shows up in
        // replay profiles, and an equal type makes the cast an identity.
        if T.self == Int.self {
            var digits = String(unsafeBitCast(value, to: Int.self))
            return digits.withUTF8 { Data($0) }
        } else if T.self == Bool.self {
            return Data((unsafeBitCast(value, to: Bool.self) ? "true" : "false").utf8)
        } else if T.self == String.self {
            var text = unsafeBitCast(value, to: String.self)
            return text.withUTF8 { bytes -> Data? in
                guard bytes.count <= 256, bytes.allSatisfy(isPlainStringByte) else { return nil }
                var data = Data(capacity: bytes.count + 2)
                data.append(0x22)
                data.append(contentsOf: bytes)
                data.append(0x22)
                return data
            }
        }
        return nil
    }

    private static func decodeBool(_ data: Data) -> Bool? {
        if data.elementsEqual("true".utf8) { return true }
        if data.elementsEqual("false".utf8) { return false }
        return nil
    }

    private static func decodePlainString(_ data: Data) -> String? {
        guard data.count >= 2, data.count <= 258, data.first == 0x22, data.last == 0x22 else { return nil }
        return data.withUnsafeBytes { bytes -> String? in
            let inner = UnsafeRawBufferPointer(rebasing: bytes.dropFirst().dropLast())
            guard inner.allSatisfy(isPlainStringByte) else { return nil }
            return String(decoding: inner, as: UTF8.self)
        }
    }

    /// Printable ASCII other than the quote and the backslash: JSON writes these as they are.
    private static func isPlainStringByte(_ byte: UInt8) -> Bool {
        byte >= 0x20 && byte < 0x7f && byte != 0x22 && byte != 0x5c
    }

    /// `-?(0|[1-9][0-9]{0,17})`, the digits the encoder writes for an Int; nil for anything else.
    private static func decodeInt(_ data: Data) -> Int? {
        data.withUnsafeBytes { all -> Int? in
            let negative = all.first == 0x2d
            let digits = negative ? UnsafeRawBufferPointer(rebasing: all.dropFirst()) : all
            guard let first = digits.first, digits.count <= 18, first >= 0x30 && first <= 0x39 else { return nil }
            if first == 0x30 { return digits.count == 1 && !negative ? 0 : nil }
            var value = 0
            for byte in digits {
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return negative ? -value : value
        }
    }

    /// A short stable digest of a payload (FNV-1a, 64 bits, hex).
    package static func digest(_ data: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        data.withUnsafeBytes { bytes in
            for byte in bytes {
                hash ^= UInt64(byte)
                hash &*= 0x0000_0100_0000_01b3
            }
        }
        // 16 lowercase hex digits, leading zeros kept.
        return String(unsafeUninitializedCapacity: 16) { buffer in
            for position in 0..<16 {
                let nibble = UInt8(truncatingIfNeeded: hash >> UInt64(60 - 4 * position)) & 0xf
                buffer[position] = nibble < 10 ? 0x30 + nibble : 0x57 + nibble
            }
            return 16
        }
    }

    /// A payload as text for display, cut to `limit` characters.
    package static func preview(_ data: Data?, limit: Int = 200) -> String {
        guard let data else { return "" }
        let text = String(decoding: data, as: UTF8.self)
        // No more bytes than the limit means no more characters: skip counting them.
        return data.count > limit && text.count > limit ? String(text.prefix(limit)) + "…" : text
    }

    /// Describes why `data` does not decode as `type`, for error messages.
    package static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.typeMismatch(let type, let context):
            return "expected \(type) at \(path(context.codingPath)): \(context.debugDescription)"
        case DecodingError.valueNotFound(let type, let context):
            return "missing \(type) value at \(path(context.codingPath))"
        case DecodingError.keyNotFound(let key, let context):
            return "missing field '\(path(context.codingPath + [key]))'"
        case DecodingError.dataCorrupted(let context):
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return "invalid JSON\(context.codingPath.isEmpty ? "" : " at " + path(context.codingPath)): "
                + (underlying ?? context.debugDescription)
        default:
            return String(describing: error)
        }
    }

    private static func path(_ keys: [CodingKey]) -> String {
        keys.isEmpty ? "top level" : keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}
