import Job
import Media

/// One rendition's encoder thread: frames in order → x264 → mux, with the shared audio packets.
final class RenditionSink {
    let encoder: Encoder
    let output: OutputContainer
    let audioStream: Int?
    let queue: ReorderQueue<FrameCore.Item>
    let counter: Counter
    let cancel: CancellationToken
    private let videoStream = 0
    private let packet: Packet
    /// CPU seconds this thread spent in the muxer (writing packets, finishing the file); the rest is encoding.
    private(set) var muxSeconds = 0.0

    init(encoder: Encoder, output: OutputContainer, audioStream: Int?, queue: ReorderQueue<FrameCore.Item>,
         counter: Counter, cancel: CancellationToken) throws {
        self.encoder = encoder
        self.output = output
        self.audioStream = audioStream
        self.queue = queue
        self.counter = counter
        self.cancel = cancel
        self.packet = try Packet()
    }

    func run() throws {
        while let item = queue.take() {
            if cancel.isCancelled { throw PipelineError.cancelled }
            switch item {
            case .video(let frame, let slot):
                frame.pts = slot
                try encoder.feed(frame, into: packet, write)
                counter.add(1)
            case .audio(let p):
                if let audioStream { try muxing { try output.write(p, stream: audioStream) } }
            case .end:
                try encoder.feed(nil, into: packet, write)
                try muxing { try output.finish() }
                return
            }
        }
        throw PipelineError.cancelled
    }

    private func muxing(_ body: () throws -> Void) rethrows {
        let t = threadCPUSeconds()
        defer { muxSeconds += threadCPUSeconds() - t }
        try body()
    }

    private func write(_ packet: Packet) throws {
        // libx264's packets come out with duration 0: without one, the MP4 would be a frame short.
        packet.duration = 1
        try muxing { try output.write(packet, stream: videoStream) }
    }
}
