import CProcess
import Foundation

/// What a running child reports.
enum ChildEvent: Sendable {
    case stdout(String)
    case stderr(String)
    case exited(ExitStatus)
}

/// One attempt's child process: started by the ``Spawner`` in its own process group with a memory limit and
/// SIGKILL as its parent-death signal, its spec on stdin (an unlinked temporary file), stdout and stderr read
/// line by line on a dedicated thread (blocking reads stay off the cooperative pool), reaped there too.
final class ChildProcess: Sendable {
    let pid: pid_t

    private init(pid: pid_t) { self.pid = pid }

    /// Starts the child; `onEvent` is called on the reader thread for every line and, last, for the exit.
    static func start(
        command: [String], environment: [String: String], stdin: Data, memoryLimit: Int64, spawner: Spawner,
        onEvent: @escaping @Sendable (ChildEvent) -> Void
    ) async throws -> ChildProcess {
        // The spec goes in through a file: a pipe would block the writer on a large spec until the child reads.
        let specFD = try Self.unlinkedFile(with: stdin)
        defer { close(specFD) }
        var out: [Int32] = [0, 0], err: [Int32] = [0, 0]
        guard mw_pipe_cloexec(&out) == 0 else { throw WorkerError.spawn("pipe: \(String(cString: strerror(errno)))") }
        guard mw_pipe_cloexec(&err) == 0 else {
            close(out[0]); close(out[1])
            throw WorkerError.spawn("pipe: \(String(cString: strerror(errno)))")
        }
        let env = environment.map { "\($0.key)=\($0.value)" }
        let (outRead, outWrite, errRead, errWrite) = (out[0], out[1], err[0], err[1])
        let (pid, spawnErrno) = await spawner.run { () -> (pid_t, Int32) in
            withCStrings(command) { argv in
                withCStrings(env) { envp in
                    var code: Int32 = 0
                    let pid = mw_spawn(command[0], argv, envp, specFD, outWrite, errWrite, memoryLimit, &code)
                    return (pid, code)
                }
            }
        }
        close(outWrite)
        close(errWrite)
        guard pid > 0 else {
            close(outRead); close(errRead)
            throw WorkerError.spawn("\(command[0]): \(String(cString: strerror(spawnErrno)))")
        }
        let reader = Thread { Self.read(pid: pid, stdout: outRead, stderr: errRead, onEvent: onEvent) }
        reader.name = "mediaworker-child-\(pid)"
        reader.start()
        return ChildProcess(pid: pid)
    }

    /// Kills the child's whole process group (it is the group's leader).
    func kill() {
        _ = Glibc.kill(-pid, SIGKILL)
        _ = Glibc.kill(pid, SIGKILL)
    }

    private static func unlinkedFile(with data: Data) throws -> Int32 {
        var template = Array((NSTemporaryDirectory() + "/mediaworker-spec-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mw_mkstemp_cloexec($0.baseAddress!) }
        guard fd >= 0 else { throw WorkerError.spawn("temporary spec file: \(String(cString: strerror(errno)))") }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        let written = data.withUnsafeBytes { raw -> Int in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue }; return -1 }
                offset += n
            }
            return offset
        }
        guard written == data.count, lseek(fd, 0, SEEK_SET) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw WorkerError.spawn("temporary spec file: \(reason)")
        }
        return fd
    }

    private static func read(pid: pid_t, stdout: Int32, stderr: Int32, onEvent: @Sendable (ChildEvent) -> Void) {
        var fds = [pollfd(fd: stdout, events: Int16(POLLIN), revents: 0), pollfd(fd: stderr, events: Int16(POLLIN), revents: 0)]
        var pending = [Data(), Data()]
        var open = [true, true]
        var buffer = [UInt8](repeating: 0, count: 65536)
        func emit(_ index: Int, _ line: Data) {
            let text = String(decoding: line, as: UTF8.self)
            onEvent(index == 0 ? .stdout(text) : .stderr(text))
        }
        while open[0] || open[1] {
            for i in 0..<2 { fds[i].fd = open[i] ? (i == 0 ? stdout : stderr) : -1 }
            let ready = poll(&fds, 2, -1)
            if ready < 0 { if errno == EINTR { continue }; break }
            for i in 0..<2 where open[i] && fds[i].revents != 0 {
                let n = buffer.withUnsafeMutableBytes { Glibc.read(fds[i].fd, $0.baseAddress!, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 {
                    open[i] = false
                    if !pending[i].isEmpty { emit(i, pending[i]); pending[i].removeAll() }
                    continue
                }
                pending[i].append(contentsOf: buffer[0..<n])
                while let newline = pending[i].firstIndex(of: 0x0A) {
                    emit(i, pending[i][pending[i].startIndex..<newline])
                    pending[i].removeSubrange(pending[i].startIndex...newline)
                }
                // A line longer than 1 MiB is cut rather than buffered without bound.
                if pending[i].count > 1 << 20 { emit(i, pending[i]); pending[i].removeAll() }
            }
        }
        close(stdout)
        close(stderr)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        onEvent(.exited(ExitStatus(waitStatus: status)))
    }
}

/// Calls `body` with a NULL-terminated C array of the strings (valid only during the call).
func withCStrings<T>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> T) -> T {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { for p in pointers { free(p) } }
    return body(pointers)
}
