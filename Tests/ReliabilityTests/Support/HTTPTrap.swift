import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A listening TCP socket on 127.0.0.1 that nothing may connect to: a playlist's http segment points at it,
/// and after the run the test checks that no connection is waiting (the network was never touched).
final class HTTPTrap {
    let port: Int
    private let fd: Int32

    init(folder: Harness.Folder) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else { throw Failure("bind/listen: \(String(cString: strerror(errno)))") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        try String(port).write(toFile: folder.path + "/trap-port", atomically: true, encoding: .utf8)
    }

    /// The port of the folder's trap (written by `init`).
    static func port(_ folder: Harness.Folder) -> Int {
        (try? String(contentsOfFile: folder.path + "/trap-port", encoding: .utf8)).flatMap { Int($0) } ?? 9
    }

    /// Whether anything connected (a completed connection waits in the backlog).
    var connected: Bool {
        let client = accept(fd, nil, nil)
        if client >= 0 {
            close(client)
            return true
        }
        return false
    }

    deinit { close(fd) }
}
