import Foundation
import Imaging
import Job
import Pipeline
@testable import Runner
import Testing
import TestSupport
import Verify

/// Stills through the templates: the sample phone photo and poster through the social template, every output
/// checked for size, format, upright picture and metadata.
@Suite(.serialized) struct StillJobTests {
    static func run(_ json: String) throws -> (JobResult, String) {
        let job = try JobRunnerTests.loader().load(data: Data(json.utf8))
        let out = try JobRunnerTests.tempDir().appendingPathComponent("out").path
        return (try JobRunner.run(job, outputDirectory: out, options: CoreOptions(), platforms: PlatformCheck.rules), out)
    }

    /// The JPEG segments before the first scan (marker, length) and the PNG chunk types: what metadata a file carries.
    static func jpegMarkers(_ b: [UInt8]) -> [UInt8] {
        var i = 2, out: [UInt8] = []
        while i + 4 <= b.count, b[i] == 0xFF {
            let m = b[i + 1]
            out.append(m)
            if m == 0xDA { break }
            i += 2 + (Int(b[i + 2]) << 8 | Int(b[i + 3]))
        }
        return out
    }

    static func pngChunks(_ b: [UInt8]) -> [String] {
        var i = 8, out: [String] = []
        while i + 8 <= b.count {
            let n = Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
            out.append(String(decoding: b[i + 4..<i + 8], as: UTF8.self))
            i += 12 + n
        }
        return out
    }

    /// No EXIF, XMP, IPTC, comments or ICC in any output: read from the bytes, and by exiftool.
    static func expectNoMetadata(_ path: String) throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        if path.hasSuffix(".jpg") {
            let markers = jpegMarkers(bytes)
            #expect(markers.allSatisfy { !(0xE1...0xEF).contains($0) && $0 != 0xFE }, "\(path): \(markers.map { String($0, radix: 16) })")
        } else {
            #expect(Set(pngChunks(bytes)) == ["IHDR", "IDAT", "IEND"], "\(path): \(pngChunks(bytes))")
        }
        let r = try TestSupport.run("/usr/bin/exiftool", ["-j", "-G", path])
        #expect(r.status == 0)
        let tags = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]).first ?? [:]
        let personal = tags.keys.filter { key in
            ["GPS", "Make", "Model", "Serial", "Artist", "Owner", "Creator", "By-line", "City", "Location", "Author", "Comment",
             "DateTimeOriginal", "ICC_Profile", "XMP", "IPTC", "EXIF"].contains { key.contains($0) }
        }
        #expect(personal.isEmpty, "\(path) keeps \(personal.sorted())")
    }

    @Test func aSidewaysPhonePhotoBecomesUprightJPEGsWithNoMetadata() throws {
        let (result, out) = try Self.run(#"{"version":1,"template":"social","input":"phone-photo-sideways.jpg"}"#)
        let still = try #require(result.still)
        #expect(still.orientation == 6 && still.width == 540 && still.height == 720)
        #expect(still.convertedFrom == "Display P3")
        #expect(result.outputs.map(\.name) == ["story", "feed-4x5", "feed-1x1", "landscape", "safe-720p"])
        #expect(!result.outputs.contains { $0.kind == "thumbnail" || $0.kind == "contact_sheet" || $0.kind == "video" })
        let sizes = [(1080, 1920), (1080, 1350), (1080, 1080), (1920, 1080), (1280, 720)]
        for (o, (w, h)) in zip(result.outputs, sizes) {
            #expect(o.kind == "image" && o.codec == "jpeg" && o.path == o.name + ".jpg")
            let img = try StillImage.read(path: out + "/" + o.path)
            #expect(img.image.width == w && img.image.height == h && o.width == w && o.height == h)
            #expect(o.platform?.ok == true, "\(o.name): \(o.platform?.summary ?? "")")
            try Self.expectNoMetadata(out + "/" + o.path)
        }
        // Upright: the contain rendition shows the photo's title band (light text on the top rows of the picture),
        // where a sideways picture would be 720 wide and 540 high.
        let landscape = try StillImage.read(path: out + "/landscape.jpg").image
        let pictureWidth = (0..<landscape.width).filter { landscape[x: $0, y: 540].r > 8 || landscape[x: $0, y: 540].g > 8 }.count
        #expect(abs(pictureWidth - 810) <= 4, "upright 540×720 scaled to 1080 high is 810 wide, got \(pictureWidth)")
    }

    @Test func aTransparentPosterStaysPNGWhereItCanAndIsFlattenedWhereItCannot() throws {
        let (result, out) = try Self.run(#"{"version":1,"template":"social","input":"poster-transparent.png"}"#)
        let still = try #require(result.still)
        #expect(still.transparency && still.graphic)
        let formats = Dictionary(uniqueKeysWithValues: result.outputs.map { ($0.name, $0.codec ?? "") })
        // Instagram takes JPEG only; YouTube and X take PNG.
        #expect(formats == ["story": "jpeg", "feed-4x5": "jpeg", "feed-1x1": "jpeg", "landscape": "png", "safe-720p": "png"])
        for o in result.outputs { try Self.expectNoMetadata(out + "/" + o.path) }
        // The JPEG's transparent corner is the background (white by default); the PNG keeps transparency in its pads.
        let square = try StillImage.read(path: out + "/feed-1x1.jpg").image
        #expect(square[x: 2, y: 2].r > 240 && square[x: 2, y: 2].g > 240 && square[x: 2, y: 2].b > 240)
        let wide = try StillImage.read(path: out + "/landscape.png")
        #expect(wide.hasAlpha && wide.image[x: 10, y: 540].a == 0)
    }

    @Test func stillsFollowTheJobsFormatAndRecordWhatAPlatformRefuses() throws {
        let (result, _) = try Self.run(#"""
            {"version":1,"input":"poster-transparent.png","stills":{"format":"png","background":"#000000"},
             "renditions":[{"name":"sq","width":512,"height":512,"platform":"instagram-feed"}]}
            """#)
        let o = try #require(result.outputs.first)
        #expect(o.codec == "png" && o.path == "sq.png")
        #expect(o.platform?.violations.map(\.rule) == ["format"])
        // A strict rendition fails the job on it.
        #expect(throws: PipelineError.self) {
            try Self.run(#"""
                {"version":1,"input":"poster-transparent.png","stills":{"format":"png"},
                 "renditions":[{"name":"sq","width":512,"height":512,"platform":"instagram-feed","platform_check":"fail"}]}
                """#)
        }
    }

    @Test func aStillWithOnlyThumbnailsIsRefusedSayingWhy() throws {
        #expect { try Self.run(#"{"version":1,"template":"thumbnails","input":"phone-photo-sideways.jpg"}"#) } throws: { error in
            (error as? JobSpecError)?.reason.contains("still image") == true
        }
        #expect(throws: JobSpecError.self) {
            try JobRunnerTests.loader().load(data: Data(#"{"version":1,"input":"a.jpg","renditions":[{"name":"a","width":64,"height":64}],"stills":{"quality":0}}"#.utf8))
        }
    }
}
