#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension PNG {
    /// Reads and decodes a PNG file. Refuses what is not a regular file, and files over
    /// `limits.maxFileBytes`, before reading them.
    public static func read(path: String, limits: PNGLimits = .default) throws(ImagingError) -> RGBAImage {
        let bytes = try PNGFile.readAll(path: path, maxBytes: limits.maxFileBytes)
        do {
            return try decode(bytes, limits: limits)
        } catch {
            throw error.with(path: path)
        }
    }

    /// Encodes `image` and writes it to `path` atomically: a temporary file in the same directory,
    /// fsync'd, then renamed over `path`. On failure nothing new is left at `path` (an older file there
    /// stays as it was) and the temporary file is removed.
    public static func write(_ image: RGBAImage, to path: String, compressionLevel: Int = 6) throws(ImagingError) {
        let bytes: [UInt8]
        do {
            bytes = try encode(image, compressionLevel: compressionLevel)
        } catch {
            throw error.with(path: path)
        }
        try PNGFile.writeAtomically(bytes, to: path)
    }
}

/// The POSIX file work behind `PNG.read` and `PNG.write`.
enum PNGFile {
    static func readAll(path: String, maxBytes: Int) throws(ImagingError) -> [UInt8] {
        // O_NONBLOCK: opening a FIFO must not hang before fstat can refuse it.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw .unreadable(path: path, reason: errnoText()) }
        defer { close(fd) }

        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadable(path: path, reason: "fstat: \(errnoText())") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .unreadable(path: path, reason: "not a regular file") }
        let size = Int(info.st_size)
        guard size <= maxBytes else { throw .fileTooLarge(bytes: size, limit: maxBytes, path: path) }

        var readError: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            initialized = 0
            while initialized < size {
                let n = read(fd, buffer.baseAddress! + initialized, size - initialized)
                if n > 0 {
                    initialized += n
                } else if n == 0 {
                    break  // the file shrank since fstat: decode what is there
                } else if errno != EINTR {
                    readError = errno
                    break
                }
            }
        }
        guard readError == 0 else { throw .unreadable(path: path, reason: "read: \(errnoText(readError))") }
        return bytes
    }

    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(ImagingError) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !name.isEmpty, name != ".", name != ".." else {
            throw .writeFailed(path: path, reason: "not a file name")
        }
        let temporary = "\(directory).\(name.prefix(100)).\(getpid())-\(UInt32.random(in: .min ... .max)).tmp"

        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(0o644))
        guard fd >= 0 else { throw .writeFailed(path: path, reason: "create temporary file: \(errnoText())") }
        var renamed = false
        defer { if !renamed { unlink(temporary) } }

        if let failure = writeAll(bytes, to: fd) {
            close(fd)
            throw .writeFailed(path: path, reason: "write: \(failure)")
        }
        guard fsync(fd) == 0 else {
            let reason = errnoText()
            close(fd)
            throw .writeFailed(path: path, reason: "fsync: \(reason)")
        }
        guard close(fd) == 0 else { throw .writeFailed(path: path, reason: "close: \(errnoText())") }
        guard rename(temporary, path) == 0 else { throw .writeFailed(path: path, reason: "rename: \(errnoText())") }
        renamed = true
        syncDirectory(directory.isEmpty ? "." : directory)
    }

    /// nil on success, else the system's text.
    private static func writeAll(_ bytes: [UInt8], to fd: Int32) -> String? {
        bytes.withUnsafeBufferPointer { buffer -> String? in
            var written = 0
            while written < buffer.count {
                let n = write(fd, buffer.baseAddress! + written, buffer.count - written)
                if n >= 0 {
                    written += n
                } else if errno != EINTR {
                    return errnoText()
                }
            }
            return nil
        }
    }

    /// Makes the rename durable. Best effort: the file is already in place, so a failure here (some file
    /// systems refuse fsync on a directory) must not report the write as failed.
    private static func syncDirectory(_ directory: String) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    static func errnoText(_ code: Int32 = errno) -> String {
        String(cString: strerror(code))
    }
}
