import Foundation
import Imaging
import Media
@testable import Pipeline
import Testing

/// HDR test clips made with the ffmpeg CLI from a known SDR picture, and the colour measures the HDR tests use.
enum HDRFixtures {
    /// One folder per test process, shared by the HDR suites (the clips take a few seconds to make).
    static let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("mw-hdr-\(UUID().uuidString.prefix(6))")
        try! FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()

    struct ToolFailure: Error, CustomStringConvertible { var description: String }

    static func run(_ tool: String, _ args: [String]) throws -> Data {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/\(tool)")
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        nonisolated(unsafe) var errData = Data()
        let t = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        t.start()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        while !t.isFinished { usleep(1000) }
        guard p.terminationStatus == 0 else {
            throw ToolFailure(description: "\(tool) \(args.joined(separator: " ")) failed: \(String(decoding: errData, as: UTF8.self))")
        }
        return data
    }

    static let size = "320x180"
    /// SMPTE colour bars, 1 s at 30 fps, as an SDR BT.709 HEVC 10-bit clip (near lossless): the reference.
    static let sdr: String = make("sdr.mp4") { out in
        ["-f", "lavfi", "-i", "smptebars=s=\(size):r=30:d=1",
         "-vf", "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p10le",
         "-c:v", "libx265", "-x265-params", "log-level=error:crf=4:colorprim=bt709:transfer=bt709:colormatrix=bt709",
         "-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709", out]
    }
    /// The same picture as HLG, BT.2020 (display light: SDR white at 100 nits, as zscale's npl=100).
    static let hlg: String = make("hlg.mp4") { out in
        hdrArgs(from: sdr, transfer: "arib-std-b67", extra: "", out)
    }
    /// The same picture as PQ (HDR10) with mastering display (1000 nits) and content light level metadata.
    static let pq: String = make("pq.mp4") { out in
        hdrArgs(from: sdr, transfer: "smpte2084",
                extra: ":hdr10=1:master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1):max-cll=1000,400", out)
    }
    /// A horizontal HLG signal ramp (Y' 64 … 940, neutral chroma), 640×32, lossless.
    static let hlgRamp: String = make("hlg-ramp.mp4") { out in
        ["-f", "lavfi", "-i", "nullsrc=s=640x32:r=30:d=0.2",
         "-vf", "format=yuv420p10le,geq=lum='64+X*876/(W-1)':cb=512:cr=512",
         "-c:v", "libx265", "-x265-params", "log-level=error:lossless=1:colorprim=bt2020:transfer=arib-std-b67:colormatrix=bt2020nc",
         "-color_primaries", "bt2020", "-color_trc", "arib-std-b67", "-colorspace", "bt2020nc", out]
    }

    static func hdrArgs(from input: String, transfer: String, extra: String, _ out: String) -> [String] {
        ["-i", input,
         "-vf", "zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=2020:t=\(transfer):m=2020_ncl:r=tv,format=yuv420p10le",
         "-c:v", "libx265",
         "-x265-params", "log-level=error:crf=4:colorprim=bt2020:transfer=\(transfer):colormatrix=bt2020nc" + extra,
         "-color_primaries", "bt2020", "-color_trc", transfer, "-colorspace", "bt2020nc", out]
    }

    /// The first decoded frame of a clip.
    static func firstFrame(_ path: String) throws -> Frame {
        let input = try InputContainer(path: path)
        let decoder = try Decoder(input: input, stream: try input.requireVideoStream())
        let packet = try Packet(), frame = try Frame()
        while try input.read(into: packet) {
            while try !decoder.send(packet) {
                if try decoder.receive(into: frame) == .frame { return frame }
            }
            if try decoder.receive(into: frame) == .frame { return frame }
        }
        _ = try decoder.send(nil)   // the decoder asked for input (it gave no frame): it takes the flush
        guard try decoder.receive(into: frame) == .frame else { throw ToolFailure(description: "no frame in \(path)") }
        return frame
    }

    static func make(_ name: String, _ args: (String) -> [String]) -> String {
        let out = dir.appendingPathComponent(name).path
        _ = try! run("ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error", "-y"] + args(out))
        return out
    }

    /// ffmpeg's own HDR → SDR for the same clip: zscale to linear BT.709, `tonemap=mobius` with our knee
    /// (0.5) and peak (1000 nits = 10 × reference white) and no desaturation, zscale to BT.709 (BT.1886).
    static func ffmpegToneMapped(_ input: String, frame: Int) throws -> RGBAImage {
        let data = try run("ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error", "-i", input, "-vf",
            "select=eq(n\\,\(frame)),zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=mobius:param=0.5:desat=0:peak=10,zscale=t=bt709:m=bt709:r=tv,format=yuv420p,scale=in_color_matrix=bt709:in_range=tv:out_range=pc,format=rgba",
            "-frames:v", "1", "-f", "rawvideo", "-"])
        let (w, h) = dimensions(size)
        return try RGBAImage(width: w, height: h, pixels: [UInt8](data))
    }

    static func dimensions(_ s: String) -> (Int, Int) {
        let p = s.split(separator: "x").map { Int($0)! }
        return (p[0], p[1])
    }

    /// Frame `index` of a file's video, as full-range RGBA through the frame's own matrix (SDR files).
    static func rgba(_ path: String, frame index: Int) throws -> RGBAImage {
        let input = try InputContainer(path: path)
        let stream = try input.requireVideoStream()
        let decoder = try Decoder(input: input, stream: stream)
        let packet = try Packet(), frame = try Frame()
        var n = 0
        var found: Frame?
        func drain() throws {
            while found == nil, try decoder.receive(into: frame) == .frame {
                if n == index { found = try frame.reference() }
                n += 1
            }
        }
        while found == nil, try input.read(into: packet) {
            guard packet.streamIndex == Int32(stream) else { continue }
            while try !decoder.send(packet) { try drain() }
            try drain()
        }
        if found == nil { while try !decoder.send(nil) { try drain() }; try drain() }
        let f = try #require(found)
        let g = try Geometry.compute(codedWidth: f.width, codedHeight: f.height, sampleAspect: 1, rotation: 0,
                                     width: f.width, height: nil, fit: .scale)
        return try RGBAConverter().convert(f, geometry: g)
    }

    // MARK: measures

    /// Mean HSV saturation and mean BT.709 luma (0…255) of an image.
    static func saturationAndLuma(_ img: RGBAImage) -> (saturation: Double, luma: Double) {
        var s = 0.0, l = 0.0, n = 0.0
        let p = img.pixels
        for i in stride(from: 0, to: p.count, by: 4) {
            let r = Double(p[i]), g = Double(p[i + 1]), b = Double(p[i + 2])
            let mx = max(r, g, b), mn = min(r, g, b)
            s += mx > 0 ? (mx - mn) / mx : 0
            l += 0.2126 * r + 0.7152 * g + 0.0722 * b
            n += 1
        }
        return (s / n, l / n)
    }

    /// CIELAB of an sRGB-ish pixel (BT.709 primaries, D65, display gamma 2.4 as BT.1886).
    static func lab(_ rgb: (Double, Double, Double)) -> (Double, Double, Double) {
        func lin(_ v: Double) -> Double { pow(v / 255, 2.4) }
        let r = lin(rgb.0), g = lin(rgb.1), b = lin(rgb.2)
        let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b
        let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
        func f(_ t: Double) -> Double { t > 216.0 / 24389 ? cbrt(t) : (24389.0 / 27 * t + 16) / 116 }
        return (116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z)))
    }

    /// Mean colour of a square patch.
    static func patch(_ img: RGBAImage, x cx: Int, y cy: Int, radius: Int = 4) -> (Double, Double, Double) {
        var r = 0.0, g = 0.0, b = 0.0, n = 0.0
        for y in (cy - radius)...(cy + radius) {
            for x in (cx - radius)...(cx + radius) {
                let i = (y * img.width + x) * 4
                r += Double(img.pixels[i]); g += Double(img.pixels[i + 1]); b += Double(img.pixels[i + 2]); n += 1
            }
        }
        return (r / n, g / n, b / n)
    }

    /// ΔE (CIE76) at the centres of the seven top bars of SMPTE bars, between two images of the same size.
    static func barErrors(_ a: RGBAImage, _ b: RGBAImage) -> [Double] {
        (0..<7).map { i in
            let x = Int((Double(i) + 0.5) * Double(a.width) / 7), y = a.height / 3
            let la = lab(patch(a, x: x, y: y)), lb = lab(patch(b, x: x, y: y))
            return ((la.0 - lb.0) * (la.0 - lb.0) + (la.1 - lb.1) * (la.1 - lb.1) + (la.2 - lb.2) * (la.2 - lb.2)).squareRoot()
        }
    }
}
