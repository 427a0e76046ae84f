import Job

/// The NAL unit types in an H.264 or HEVC packet, read from its bytes: length-prefixed (MP4's avcC/hvcC,
/// the prefix size taken from the stream's extradata) or Annex B start codes (MPEG-TS, raw streams).
struct NALUnits: Sendable {
    enum Codec: Sendable { case h264, hevc }
    let codec: Codec
    /// Bytes of each NAL's length prefix; nil for Annex B.
    let lengthSize: Int?

    init?(codec: String, extradata: [UInt8]) {
        switch codec {
        case "h264":
            self.codec = .h264
            // avcC: configurationVersion 1, …, lengthSizeMinusOne in the low 2 bits of byte 4.
            lengthSize = extradata.count >= 7 && extradata[0] == 1 ? Int(extradata[4] & 3) + 1 : nil
        case "hevc":
            self.codec = .hevc
            // hvcC: lengthSizeMinusOne in the low 2 bits of byte 21.
            lengthSize = extradata.count >= 23 && extradata[0] <= 1 && !Self.startsWithStartCode(extradata)
                ? Int(extradata[21] & 3) + 1 : nil
        default:
            return nil
        }
    }

    /// The NAL unit types in `bytes`, in order.
    func types(_ bytes: [UInt8]) -> [Int] {
        var headers: [UInt8] = []
        if let lengthSize {
            var i = 0
            while i + lengthSize < bytes.count {
                var length = 0
                for k in 0..<lengthSize { length = length << 8 | Int(bytes[i + k]) }
                i += lengthSize
                guard length > 0, i + length <= bytes.count else { break }
                headers.append(bytes[i])
                i += length
            }
        } else {
            var i = 0
            while i + 3 < bytes.count {
                if bytes[i] == 0, bytes[i + 1] == 0, bytes[i + 2] == 1 {
                    headers.append(bytes[i + 3])
                    i += 3
                } else {
                    i += 1
                }
            }
        }
        return headers.map { codec == .h264 ? Int($0 & 0x1F) : Int($0 >> 1 & 0x3F) }
    }

    /// Whether a keyframe's NAL types make it an IDR picture, which nothing after it may reference across
    /// (H.264 type 5; HEVC IDR_W_RADL 19 and IDR_N_LP 20 — CRA 21 and BLA 16–18 allow open GOPs).
    func isIDR(_ types: [Int]) -> Bool {
        switch codec {
        case .h264: return types.contains(5)
        case .hevc: return types.contains(19) || types.contains(20)
        }
    }

    private static func startsWithStartCode(_ b: [UInt8]) -> Bool {
        b.count >= 4 && b[0] == 0 && b[1] == 0 && (b[2] == 1 || b[2] == 0 && b[3] == 1)
    }
}
