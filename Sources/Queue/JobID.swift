import Foundation

/// Sortable random ids, ULID-style: 48 bits of milliseconds since 1970, then 80 random bits, in
/// Crockford base 32 (26 characters). Ids made in the same millisecond are not ordered among themselves;
/// the queue orders by a creation sequence, not by id.
enum JobID {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    static func make(at date: Date) -> String {
        let millis = UInt64(max(0, date.timeIntervalSince1970 * 1000)) & 0xFFFF_FFFF_FFFF
        var generator = SystemRandomNumberGenerator()
        let randomHigh = UInt64(generator.next() as UInt16)  // 16 bits
        let randomLow = generator.next() as UInt64  // 64 bits
        // 128 bits = time(48) | randomHigh(16) | randomLow(64); emitted as 26 5-bit digits (130 bits, top 2 zero).
        let high = (millis << 16) | randomHigh
        let low = randomLow
        var chars = [UInt8](repeating: 0, count: 26)
        for index in 0..<26 {
            let shift = (25 - index) * 5  // bit offset of this digit within the 130-bit number
            let digit: UInt64
            if shift >= 64 {
                digit = (high >> UInt64(shift - 64)) & 0x1F
            } else if shift > 59 {
                // the digit straddles the two words
                digit = ((high << UInt64(64 - shift)) | (low >> UInt64(shift))) & 0x1F
            } else {
                digit = (low >> UInt64(shift)) & 0x1F
            }
            chars[index] = alphabet[Int(digit)]
        }
        return String(decoding: chars, as: UTF8.self)
    }
}
