import Job
import Media

/// What the packets of a file say, read once from start to end: frame count, video bytes and duration,
/// keyframe times, the longest keyframe interval, and whether every GOP is closed.
public struct PacketScan: Sendable, Codable, Equatable {
    public var videoFrames: Int = 0
    public var videoBytes: Int = 0
    /// First video pts to the end of the last video frame, seconds.
    public var videoDuration: Double = 0
    public var keyframeTimes: [Double] = []
    /// The longest span from one keyframe to the next (or to the end of the stream), seconds.
    public var maxKeyframeInterval: Double = 0
    /// Every keyframe an IDR picture and no picture after it in decode order shown before it.
    public var closedGOP: Bool = true
    /// Why the GOP is open, when it is.
    public var openGOPReason: String?
    public var audioPackets: Int = 0
    public var audioBytes: Int = 0

    /// Average video bitrate (bits per second) over the video's duration.
    public var videoBitrate: Double { videoDuration > 0 ? Double(videoBytes) * 8 / videoDuration : 0 }

    public static func read(_ input: InputContainer) throws -> PacketScan {
        var scan = PacketScan()
        let video = input.bestStream(.video)
        let audio = input.bestStream(.audio)
        let nal = video.flatMap { v in NALUnits(codec: input.streamInfo(v).codec, extradata: input.extradata(of: v)) }
        let packet = try Packet()
        var first: Double?
        var end = 0.0
        var lastKeyPTS: Int64?
        while try input.read(into: packet) {
            let index = Int(packet.streamIndex)
            if index == audio {
                scan.audioPackets += 1
                scan.audioBytes += packet.size
                continue
            }
            guard index == video else { continue }
            let tb = packet.timeBase.double
            scan.videoFrames += 1
            scan.videoBytes += packet.size
            guard let pts = packet.pts ?? packet.dts else { continue }
            let t = Double(pts) * tb
            let d = Double(packet.duration) * tb
            first = min(first ?? t, t)
            end = max(end, t + d)
            if packet.isKeyframe {
                scan.keyframeTimes.append(t)
                if scan.closedGOP, let nal, !nal.isIDR(nal.types(packet.bytes)) {
                    scan.closedGOP = false
                    scan.openGOPReason = String(format: "the keyframe at %.3f s is not an IDR picture", t)
                }
                lastKeyPTS = pts
            } else if scan.closedGOP, let key = lastKeyPTS, pts < key {
                scan.closedGOP = false
                scan.openGOPReason = String(format: "the picture at %.3f s follows the keyframe at %.3f s in decode order but is shown before it",
                                            t, Double(key) * tb)
            }
        }
        scan.videoDuration = max(0, end - (first ?? 0))
        scan.keyframeTimes.sort()
        if scan.keyframeTimes.isEmpty {
            scan.maxKeyframeInterval = scan.videoDuration
        } else {
            var bounds = scan.keyframeTimes
            bounds.append(end)
            if let f = first, f < bounds[0] { bounds.insert(f, at: 0) }
            scan.maxKeyframeInterval = zip(bounds, bounds.dropFirst()).map { $1 - $0 }.max() ?? 0
        }
        return scan
    }
}
