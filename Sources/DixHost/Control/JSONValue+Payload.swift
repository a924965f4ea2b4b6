import DixServices
import Foundation

extension JSONValue {
    /// Decodes stored JSON bytes, so payloads print as JSON (not base64) under `--json`;
    /// text that is not JSON becomes a string.
    init(json data: Data?) {
        guard let data else {
            self = .null
            return
        }
        self = (try? JSONDecoder().decode(JSONValue.self, from: data)) ?? .string(String(decoding: data, as: UTF8.self))
    }
}
