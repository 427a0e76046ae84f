import Crypto
import Foundation

enum Digest {
    static func hex(of data: some DataProtocol) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
