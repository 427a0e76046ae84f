import Crypto
import Foundation

package enum ConstantTime {
    /// Compares two secrets without leaking where they differ or (through the digests) their lengths.
    package static func equal(_ a: String, _ b: String) -> Bool {
        let da = Array(SHA256.hash(data: Data(a.utf8)))
        let db = Array(SHA256.hash(data: Data(b.utf8)))
        var difference: UInt8 = 0
        for i in 0..<da.count { difference |= da[i] ^ db[i] }
        return difference == 0
    }
}
