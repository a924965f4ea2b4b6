import Foundation

/// New run IDs: UUIDs of version 7 (RFC 9562), which begin with the time in milliseconds.
///
/// Runs are keyed by ID in every table and index that holds them, so random IDs (version 4)
/// spread each batch of inserts over as many B-tree pages as it has rows, and every such page
/// is read, rewritten to the WAL and synced. IDs in time order land on the last few pages.
/// The random bits come from the system generator (no file to open, unlike `UUID()` here).
@usableFromInline
enum RunIdentifier {
    @usableFromInline
    static func make(at date: Date = Date()) -> String {
        var generator = SystemRandomNumberGenerator()
        let milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        let randomA = generator.next() as UInt64
        let randomB = generator.next() as UInt64
        // 48 bits of time, version 7, 12 random bits; variant 0b10, 62 random bits.
        let high = (milliseconds << 16) | 0x7000 | (randomA & 0x0fff)
        let low = (randomB & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000
        let hex = String(unsafeUninitializedCapacity: 36) { buffer in
            var position = 0
            func put(_ value: UInt64, digits: Int) {
                for shift in stride(from: (digits - 1) * 4, through: 0, by: -4) {
                    let nibble = UInt8(truncatingIfNeeded: value >> UInt64(shift)) & 0xf
                    buffer[position] = nibble < 10 ? 0x30 + nibble : 0x57 + nibble
                    position += 1
                }
            }
            func dash() {
                buffer[position] = 0x2d
                position += 1
            }
            put(high >> 32, digits: 8)
            dash()
            put(high >> 16, digits: 4)
            dash()
            put(high, digits: 4)
            dash()
            put(low >> 48, digits: 4)
            dash()
            put(low, digits: 12)
            return position
        }
        return hex
    }
}
