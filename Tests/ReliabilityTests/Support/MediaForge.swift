import Foundation

/// Patches media files made by the ffmpeg CLI into hostile ones.
enum MediaForge {
    // MARK: MP4 data references

    /// Replaces the first track's self-contained `url ` data reference (`moov/trak/mdia/minf/dinf/dref`) with a
    /// QuickTime alias record pointing at `target`, two directory levels up from the movie
    /// (`nlvl_from`/`nlvl_to` 2: a demuxer with data references on would open `<movie dir>/../<dir>/<file>`).
    /// The movie must have its `moov` after `mdat` (ffmpeg's default), so growing `moov` moves no sample.
    static func externalDataReference(mp4: Data, target: String) throws -> Data {
        var d = [UInt8](mp4)
        let path = ["moov", "trak", "mdia", "minf", "dinf", "dref", "url "]
        var offsets: [Int] = []
        var offset = 0, end = d.count, level = 0
        while level < path.count {
            guard offset + 8 <= end else { throw Failure("no \(path[level]) box") }
            let size = Int(be32(d, offset)), type = String(decoding: d[offset + 4..<offset + 8], as: UTF8.self)
            guard size >= 8 else { throw Failure("bad box size at \(offset)") }
            if type == path[level] {
                offsets.append(offset)
                end = offset + size
                offset += type == "dref" ? 16 : 8
                level += 1
            } else {
                offset += size
            }
        }
        let url = offsets.last!
        guard be32(d, url) == 12 else { throw Failure("the url box is not the 12-byte self-contained one") }
        let components = target.split(separator: "/")
        let file = Array(components.last!.utf8)
        var body = [UInt8](repeating: 0, count: 150)
        body[50] = UInt8(file.count)
        body.replaceSubrange(51..<51 + file.count, with: file)
        body[130] = 0; body[131] = 2  // nlvl_from
        body[132] = 0; body[133] = 2  // nlvl_to
        var absolute = Array(target.utf8)
        let length = absolute.count
        if absolute.count % 2 == 1 { absolute.append(0) }
        let record = [0, 2] + be16(UInt16(length)) + absolute + [0xFF, 0xFF, 0, 0]
        let alis = be32(UInt32(12 + body.count + record.count)) + Array("alis".utf8) + [0, 0, 0, 0] + body + record
        d.replaceSubrange(url..<url + 12, with: alis)
        let delta = UInt32(alis.count - 12)
        for o in offsets.dropLast() { d.replaceSubrange(o..<o + 4, with: be32(be32(d, o) + delta)) }
        return Data(d)
    }

    // MARK: H.264 picture size

    /// Rewrites the picture size in every SPS of an Annex B H.264 stream (baseline profile, as x264 writes it
    /// with `-profile:v baseline`), leaving the slices alone: the stream then *claims* `width`×`height`.
    static func h264ClaimingSize(annexB: Data, width: Int, height: Int) throws -> Data {
        let bytes = [UInt8](annexB)
        var starts: [Int] = []  // first byte of each NAL unit
        var i = 0
        while i + 3 <= bytes.count {
            if bytes[i] == 0, bytes[i + 1] == 0, bytes[i + 2] == 1 { starts.append(i + 3); i += 3 } else { i += 1 }
        }
        var out: [UInt8] = []
        var patched = 0
        for (n, start) in starts.enumerated() {
            var stop = n + 1 < starts.count ? starts[n + 1] - 3 : bytes.count
            while stop > start, bytes[stop - 1] == 0 { stop -= 1 }  // the next start code's leading zero
            var nal = Array(bytes[start..<stop])
            if let first = nal.first, first & 0x1F == 7 {
                nal = [first] + escape(try patchSPS(unescape(Array(nal.dropFirst())), width: width, height: height))
                patched += 1
            }
            out += [0, 0, 0, 1] + nal
        }
        guard patched > 0 else { throw Failure("no SPS found") }
        return Data(out)
    }

    private static func patchSPS(_ rbsp: [UInt8], width: Int, height: Int) throws -> [UInt8] {
        var r = BitReader(rbsp)
        var w = BitWriter()
        let profile = r.bits(8)
        guard [66, 77, 88].contains(profile) else { throw Failure("SPS profile \(profile): only baseline/main are handled") }
        w.put(profile, 8)
        w.put(r.bits(8), 8)  // constraint flags
        w.put(r.bits(8), 8)  // level
        w.ue(r.ue())  // seq_parameter_set_id
        w.ue(r.ue())  // log2_max_frame_num_minus4
        let pocType = r.ue()
        w.ue(pocType)
        if pocType == 0 {
            w.ue(r.ue())
        } else if pocType == 1 {
            throw Failure("pic_order_cnt_type 1 is not handled")
        }
        w.ue(r.ue())  // max_num_ref_frames
        w.put(r.bits(1), 1)  // gaps_in_frame_num_value_allowed_flag
        _ = r.ue(); _ = r.ue()  // the real size
        w.ue(width / 16 - 1)
        w.ue(height / 16 - 1)
        // The rest up to the stop bit, as it was.
        var lastOne = rbsp.count * 8 - 1
        while lastOne > r.position, (rbsp[lastOne / 8] >> (7 - UInt8(lastOne % 8))) & 1 == 0 { lastOne -= 1 }
        while r.position < lastOne { w.put(r.bits(1), 1) }
        w.put(1, 1)
        return w.bytes()
    }

    private static func unescape(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var zeros = 0
        for byte in b {
            if zeros >= 2 && byte == 3 { zeros = 0; continue }
            zeros = byte == 0 ? zeros + 1 : 0
            out.append(byte)
        }
        return out
    }

    private static func escape(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var zeros = 0
        for byte in b {
            if zeros >= 2 && byte <= 3 { out.append(3); zeros = 0 }
            out.append(byte)
            zeros = byte == 0 ? zeros + 1 : 0
        }
        return out
    }

    struct BitReader {
        let data: [UInt8]
        var position = 0
        init(_ data: [UInt8]) { self.data = data }
        mutating func bits(_ n: Int) -> Int {
            var v = 0
            for _ in 0..<n {
                let byte = position / 8 < data.count ? data[position / 8] : 0
                v = v << 1 | Int((byte >> (7 - UInt8(position % 8))) & 1)
                position += 1
            }
            return v
        }
        mutating func ue() -> Int {
            var zeros = 0
            while bits(1) == 0 && zeros < 32 { zeros += 1 }
            return (1 << zeros) - 1 + bits(zeros)
        }
    }

    struct BitWriter {
        private var bitsOut: [UInt8] = []
        mutating func put(_ value: Int, _ n: Int) {
            for k in stride(from: n - 1, through: 0, by: -1) { bitsOut.append(UInt8((value >> k) & 1)) }
        }
        mutating func ue(_ value: Int) {
            let v = value + 1
            let length = Int.bitWidth - v.leadingZeroBitCount
            put(0, length - 1)
            put(v, length)
        }
        func bytes() -> [UInt8] {
            var out: [UInt8] = []
            var i = 0
            while i < bitsOut.count {
                var byte: UInt8 = 0
                for k in 0..<8 { byte = byte << 1 | (i + k < bitsOut.count ? bitsOut[i + k] : 0) }
                out.append(byte)
                i += 8
            }
            return out
        }
    }

    private static func be32(_ d: [UInt8], _ o: Int) -> UInt32 {
        UInt32(d[o]) << 24 | UInt32(d[o + 1]) << 16 | UInt32(d[o + 2]) << 8 | UInt32(d[o + 3])
    }
    private static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)] }
    private static func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 255)] }
}
