import Foundation
import TOMLKit

/// Typed, located access to a parsed TOML document.
struct ConfigReader {
    let file: String
    let lines: [Substring]
    /// Set inside one table of an array of tables (`[[monitor]]`): lines are looked up in that
    /// table (its `index`-th occurrence, from 0) and its subtables only.
    private(set) var entry: (array: String, index: Int)?

    init(file: String, text: String) {
        self.file = file
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// A reader whose line lookups stay inside the `index`-th `[[array]]` table.
    func inside(_ array: String, entry index: Int) -> ConfigReader {
        var reader = self
        reader.entry = (array, index)
        return reader
    }

    /// The line of `key` inside `[section]` (1-based), found in the source text.
    func line(of key: String, section: String?) -> Int? {
        var current: String?
        var entriesSeen = 0
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                current = line.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
                if let entry, line.hasPrefix("[["), current == entry.array { entriesSeen += 1 }
            }
            if let entry, entriesSeen != entry.index + 1 { continue }
            if line.hasPrefix("[") {
                if current == key.trimmingCharacters(in: .whitespaces) && section == nil { return index + 1 }
                if let section, current == "\(section).\(key)" { return index + 1 }
                continue
            }
            guard current == section, let equals = line.firstIndex(of: "=") else { continue }
            let name = line[..<equals].trimmingCharacters(in: CharacterSet(charactersIn: " \"'"))
            if name == key { return index + 1 }
        }
        return nil
    }

    func fail(_ key: String, _ section: String?, _ message: String) -> ConfigError {
        let place = section.map { "[\($0)] \(key)" } ?? key
        return ConfigError(file: file, line: line(of: key, section: section), message: "\(place): \(message)")
    }

    func onlyKeys(_ allowed: Set<String>, in table: TOMLTable, section: String?) throws {
        for key in table.keys where !allowed.contains(key) {
            throw fail(key, section, "unknown key (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    func table(_ key: String, in table: TOMLTable, section: String?) throws -> TOMLTable? {
        guard let value = table[key] else { return nil }
        guard let nested = value.table else { throw fail(key, section, "expected a table, got \(value.type)") }
        return nested
    }

    func string(_ key: String, in table: TOMLTable, section: String?, oneOf allowed: [String]? = nil) throws -> String? {
        guard let value = table[key] else { return nil }
        guard let text = value.string else { throw fail(key, section, "expected a string, got \(value.type)") }
        if let allowed, !allowed.contains(text) {
            throw fail(key, section, "must be one of \(allowed.joined(separator: ", ")), got \"\(text)\"")
        }
        if text.isEmpty { throw fail(key, section, "must not be empty") }
        return text
    }

    func integer(_ key: String, in table: TOMLTable, section: String?, minimum: Int, maximum: Int = .max) throws -> Int? {
        guard let value = table[key] else { return nil }
        guard let number = value.int else { throw fail(key, section, "expected an integer, got \(value.type)") }
        if number < minimum { throw fail(key, section, "must be at least \(minimum), got \(number)") }
        if number > maximum { throw fail(key, section, "must be at most \(maximum), got \(number)") }
        return number
    }

    func strings(_ key: String, in table: TOMLTable, section: String?, nonEmpty: Bool = false) throws -> [String]? {
        guard let value = table[key] else { return nil }
        guard let array = value.array else { throw fail(key, section, "expected an array of strings, got \(value.type)") }
        var strings: [String] = []
        for element in array {
            guard let text = element.string else { throw fail(key, section, "expected an array of strings") }
            strings.append(text)
        }
        if nonEmpty && strings.isEmpty { throw fail(key, section, "must not be empty") }
        return strings
    }

    func number(_ key: String, in table: TOMLTable, section: String?, minimum: Double) throws -> Double? {
        guard let value = table[key] else { return nil }
        guard let number = value.double ?? value.int.map(Double.init) else {
            throw fail(key, section, "expected a number, got \(value.type)")
        }
        if number < minimum { throw fail(key, section, "must be at least \(minimum), got \(number)") }
        return number
    }
}

extension ConfigReader {
    func bool(_ key: String, in table: TOMLTable, section: String?) throws -> Bool? {
        guard let value = table[key] else { return nil }
        guard let flag = value.bool else { throw fail(key, section, "expected true or false, got \(value.type)") }
        return flag
    }

    /// The tables of the array of tables `[[section.key]]`, empty when absent.
    func tableArray(_ key: String, in table: TOMLTable, section: String?) throws -> [TOMLTable] {
        guard let value = table[key] else { return [] }
        let name = section.map { "\($0).\(key)" } ?? key
        guard let array = value.array else { throw fail(key, section, "expected [[\(name)]] tables, got \(value.type)") }
        return try array.map { element in
            guard let nested = element.table else { throw fail(key, section, "expected [[\(name)]] tables") }
            return nested
        }
    }
}
