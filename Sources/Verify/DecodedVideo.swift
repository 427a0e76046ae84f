import Job
import Media

/// The video frames of a file in presentation order, one at a time, each with its time from the first frame.
final class DecodedVideo {
    let input: InputContainer
    let stream: Int
    private let decoder: Decoder
    private let packet: Packet
    private var flushed = false
    private var start: Double?
    private var lastTime = 0.0

    init(path: String, policy: InputPolicy) throws {
        input = try InputContainer(path: path, policy: policy)
        stream = try input.requireVideoStream()
        decoder = try Decoder(input: input, stream: stream, threads: 0)
        packet = try Packet()
    }

    var info: StreamInfo { input.streamInfo(stream) }

    /// The next decoded frame, or nil after the last.
    func next() throws -> (frame: Frame, time: Double)? {
        let frame = try Frame()
        while true {
            switch try decoder.receive(into: frame) {
            case .frame:
                let t = frame.pts.map { Double($0) * decoder.timeBase.double } ?? lastTime
                if start == nil { start = t }
                lastTime = t
                return (frame, t - start!)
            case .endOfStream:
                return nil
            case .needsInput:
                guard !flushed else { return nil }
                var found = false
                while try input.read(into: packet) {
                    if packet.streamIndex == Int32(stream) { found = true; break }
                }
                // The decoder just asked for input, so it cannot refuse it (FFmpeg's contract); if it did, the
                // packet would be lost, so that is an error rather than a silent gap.
                guard try decoder.send(found ? packet : nil) else {
                    throw MediaError.unsupported("decode video", "the decoder refused input it asked for", file: nil)
                }
                flushed = !found
            }
        }
    }
}
