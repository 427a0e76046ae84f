import Foundation
import Imaging
import Media
import Testing

/// Frames built in code → H.264 (CRF 18) in MP4 → decoded back: quality, size, count and timing exact.
@Suite struct EncodeRoundTripTests {
    static func pattern(_ frame: Frame, index: Int) {
        let w = frame.width, h = frame.height
        let y = frame.data(0)!, u = frame.data(1)!, v = frame.data(2)!
        for row in 0..<h {
            for col in 0..<w {
                // A smooth gradient with a moving bright square: detail the encoder must keep.
                var value = 40 + (col * 150) / w + (row * 40) / h
                let sx = (index * 7) % (w - 40), sy = (index * 3) % (h - 40)
                if col >= sx, col < sx + 40, row >= sy, row < sy + 40 { value = 220 }
                y[row * frame.linesize(0) + col] = UInt8(value)
            }
        }
        for row in 0..<h / 2 {
            for col in 0..<w / 2 {
                u[row * frame.linesize(1) + col] = UInt8(128 + (col * 60) / w)
                v[row * frame.linesize(2) + col] = UInt8(100 + (row * 80) / h)
            }
        }
    }

    static func plane(_ f: Frame, _ i: Int) -> Plane {
        let shift = i == 0 ? 0 : 1
        return Plane(base: f.data(i)!, stride: f.linesize(i), width: f.width >> shift, height: f.height >> shift)
    }

    @Test func encodeDecodeKeepsQualityCountAndTiming() throws {
        let dir = try Support.temporaryDirectory()
        let path = dir.appendingPathComponent("synthetic.mp4").path
        let width = 320, height = 240, count = 50
        let rate = Rational(25, 1)

        var originals: [Frame] = []
        do {
            let output = try OutputContainer(path: path)
            let encoder = try Encoder.h264(VideoEncoderSettings(width: width, height: height, frameRate: rate, crf: 18,
                                                                preset: "medium"), globalHeader: output.needsGlobalHeader)
            let stream = try output.addStream(for: encoder)
            try output.writeHeader()
            let packet = try Packet()
            func drain() throws {
                while try encoder.receive(into: packet) == .frame {
                    packet.duration = 1
                    try output.write(packet, stream: stream)
                }
            }
            for i in 0..<count {
                let frame = try Frame.video(width: width, height: height, format: .yuv420p)
                Self.pattern(frame, index: i)
                frame.pts = Int64(i)
                originals.append(frame)
                while try !encoder.send(frame) { try drain() }
                try drain()
            }
            while try !encoder.send(nil) { try drain() }
            try drain()
            try output.finish()
        }

        let input = try InputContainer(path: path)
        let info = input.info()
        let video = try #require(info.video)
        #expect(video.codec == "h264")
        #expect(video.profile == "High")
        #expect(video.width == width && video.height == height)
        #expect(video.pixelFormat == "yuv420p")
        #expect(info.moovBeforeMdat == true)
        #expect(info.hasEditList == false)
        let duration = try #require(video.duration)
        #expect(abs(duration - Double(count) / 25) < 1e-6, "duration \(duration)")

        let decoder = try Decoder(input: input, stream: video.index)
        let packet = try Packet(), frame = try Frame()
        var decoded = 0
        var worst = Double.infinity
        var ptsSeen: [Int64] = []
        func take() throws {
            while try decoder.receive(into: frame) == .frame {
                #expect(frame.width == width && frame.height == height)
                let original = originals[decoded]
                for p in 0..<3 { worst = min(worst, Metrics.psnr(Self.plane(original, p), Self.plane(frame, p))) }
                if let pts = frame.pts { ptsSeen.append(pts) }
                decoded += 1
            }
        }
        while try input.read(into: packet) {
            while try !decoder.send(packet) { try take() }
            try take()
        }
        while try !decoder.send(nil) { try take() }
        try take()
        #expect(decoded == count)
        #expect(worst >= 40, "worst plane PSNR \(worst) dB")
        // Timestamps: one frame every 1/25 s from zero.
        let tb = decoder.timeBase.double
        for (i, pts) in ptsSeen.enumerated() { #expect(abs(Double(pts) * tb - Double(i) / 25) < 1e-3) }
    }
}
