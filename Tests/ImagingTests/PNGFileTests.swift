import Foundation
import Imaging
import Testing

/// `PNG.read(path:)` and the atomic `PNG.write(_:to:)`, in a fresh temporary directory per test.
@Suite("PNG files")
struct PNGFileTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("imaging-png-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
    }

    func cleanUp() { try? FileManager.default.removeItem(at: directory) }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func listing(_ url: URL? = nil) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: (url ?? directory).path).sorted()
    }

    func sample() throws -> RGBAImage {
        var image = try RGBAImage(width: 5, height: 3, fill: .init(r: 10, g: 20, b: 30, a: 40))
        image[x: 4, y: 2] = .white
        return image
    }

    @Test func writeThenRead() throws {
        defer { cleanUp() }
        let image = try sample()
        try PNG.write(image, to: path("out.png"))
        #expect(try PNG.read(path: path("out.png")) == image)
        #expect(try listing() == ["out.png"])
    }

    @Test func writeReplacesAnExistingFile() throws {
        defer { cleanUp() }
        try Data("old".utf8).write(to: directory.appendingPathComponent("out.png"))
        try PNG.write(try sample(), to: path("out.png"))
        #expect(try PNG.read(path: path("out.png")) == sample())
        #expect(try listing() == ["out.png"])
    }

    @Test func writeIntoMissingDirectoryLeavesNothing() throws {
        defer { cleanUp() }
        let target = path("missing/out.png")
        let error = #expect(throws: ImagingError.self) { try PNG.write(try sample(), to: target) }
        #expect(error?.kind == .writeFailed)
        #expect(error?.path == target)
        #expect(error?.description.hasPrefix("\(target): cannot write:") == true)
        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(try listing() == [])
    }

    @Test func failedRenameRemovesTheTemporaryFile() throws {
        defer { cleanUp() }
        // The target is a non-empty directory: the temporary file is written, then rename fails.
        try FileManager.default.createDirectory(atPath: path("out.png/inner"), withIntermediateDirectories: true)
        let error = #expect(throws: ImagingError.self) { try PNG.write(try sample(), to: path("out.png")) }
        #expect(error?.kind == .writeFailed)
        #expect(error?.description.contains("rename") == true)
        #expect(try listing() == ["out.png"])
        #expect(try listing(directory.appendingPathComponent("out.png")) == ["inner"])
    }

    @Test func invalidImageWritesNothing() throws {
        defer { cleanUp() }
        var image = try sample()
        image.pixels.append(0)
        let error = #expect(throws: ImagingError.self) { try PNG.write(image, to: path("out.png")) }
        #expect(error?.kind == .invalidArgument)
        #expect(try listing() == [])
    }

    @Test func readMissingFile() throws {
        defer { cleanUp() }
        let error = #expect(throws: ImagingError.self) { try PNG.read(path: path("nope.png")) }
        #expect(error?.kind == .unreadable)
        #expect(error?.description == "\(path("nope.png")): cannot read: No such file or directory")
    }

    @Test func readRefusesNonRegularFiles() throws {
        defer { cleanUp() }
        #expect((#expect(throws: ImagingError.self) { try PNG.read(path: directory.path) })?.kind == .unreadable)
        // A FIFO with no writer: opening it must not hang.
        #expect(mkfifo(path("fifo"), 0o600) == 0)
        let error = #expect(throws: ImagingError.self) { try PNG.read(path: path("fifo")) }
        #expect(error?.description.contains("not a regular file") == true)
    }

    @Test func readRefusesLargeFilesBeforeReading() throws {
        defer { cleanUp() }
        try PNG.write(try sample(), to: path("out.png"))
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path("out.png"))[.size] as? Int)
        let error = #expect(throws: ImagingError.self) {
            try PNG.read(path: path("out.png"), limits: PNGLimits(maxFileBytes: size - 1))
        }
        #expect(error?.limit == .fileBytes(size - 1))
        #expect(try PNG.read(path: path("out.png"), limits: PNGLimits(maxFileBytes: size)) == sample())
    }

    @Test func readCorruptFileNamesTheFile() throws {
        defer { cleanUp() }
        var bytes = try PngSuite.bytes("basn0g08")
        bytes[bytes.count / 2] ^= 0xFF
        try Data(bytes).write(to: directory.appendingPathComponent("bad.png"))
        let error = #expect(throws: ImagingError.self) { try PNG.read(path: path("bad.png")) }
        #expect(error?.kind == .corrupt)
        #expect(error?.description.hasPrefix(path("bad.png") + ": corrupt image: ") == true)
    }

    @Test func readPngSuiteFileFromDisk() throws {
        let image = try PNG.read(path: PngSuite.path("basn6a08"))
        #expect(image.width == 32 && image[x: 31, y: 31] == .init(r: 0, g: 32, b: 255))
    }
}
