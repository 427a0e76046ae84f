import Job
import Imaging
import Media

/// Single-frame extraction: seek near the time, decode forward to it, convert, write a PNG.
///
/// Why a third path (beside `ThumbnailTap` in the frame core and `ThumbnailPass` for thumbnails-only jobs):
/// `mediaworker thumbnail FILE --at T` wants one exact frame, unfiltered by black-frame avoidance and with no
/// job around it; one seek and a short forward decode is all it needs. The other two serve jobs.
public enum ThumbnailExtractor {
    public struct Shot: Sendable {
        public var width: Int
        public var height: Int
        public var time: Double
    }

    /// Write the frame at `at` seconds (default: 10 % into the video) as a PNG `width` wide.
    public static func single(input path: String, output: String, at: Double?, width: Int?,
                              policy: InputPolicy = .default) throws -> Shot {
        let input = try InputContainer(path: path, policy: policy)
        let stream = try input.requireVideoStream()
        let info = input.streamInfo(stream)
        let duration = info.duration ?? input.durationSeconds ?? 0
        var target = at ?? duration * 0.1
        if duration > 0 { target = min(target, max(0, duration - 0.001)) }
        let (frame, time) = try decodeFrame(input: input, stream: stream, at: target)
        let g = try Geometry.compute(codedWidth: frame.width, codedHeight: frame.height,
                                     sampleAspect: info.sampleAspectRatio?.double ?? 1, rotation: info.rotation ?? 0,
                                     width: width, height: nil, fit: .scale)
        let image = try RGBAConverter().convert(frame, geometry: g)
        try PNG.write(image, to: output)
        return Shot(width: image.width, height: image.height, time: time)
    }

    /// The first frame at or after `seconds` (from the stream's start), or the last frame before the end.
    static func decodeFrame(input: InputContainer, stream: Int, at seconds: Double) throws -> (Frame, Double) {
        let decoder = try Decoder(input: input, stream: stream, threads: 0)
        let tb = decoder.timeBase.double
        let info = input.streamInfo(stream)
        let start = info.startTime ?? 0
        let target = start + seconds
        if seconds > 0 {
            try input.seek(stream: stream, toSeconds: target)
            decoder.flushBuffers()
        }
        let packet = try Packet()
        let frame = try Frame()
        var best: Frame?
        var bestTime = 0.0
        var hit: (Frame, Double)?
        // The first picture at or after the target; the latest before it stands in if none comes.
        func consider(_ frame: Frame) throws(MediaError) -> Bool {
            let t = frame.pts.map { Double($0) * tb } ?? target
            let copy = try frame.reference()
            if t + 0.0005 >= target {
                hit = (copy, t - start)
                return true
            }
            best = copy
            bestTime = t - start
            return false
        }
        while try input.read(into: packet) {
            guard packet.streamIndex == Int32(stream) else { continue }
            if try decoder.feed(packet, into: frame, until: consider), let hit { return hit }
        }
        if try decoder.feed(nil, into: frame, until: consider), let hit { return hit }
        // Drained: the last frame decoded is the closest to the end.
        if let best { return (best, bestTime) }
        throw MediaError.unsupported("decode video", "no picture could be decoded", file: input.path)
    }
}
