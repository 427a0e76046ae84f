import Foundation
import Media
import Testing

/// `probe` reports HDR: transfer, primaries, matrix, and mastering display / content light metadata, whether
/// the container carries them (MKV colour elements → stream side data) or only the bitstream (HEVC SEI).
@Suite struct HDRProbeTests {
    @Test func pqStreamReportsTransferPrimariesAndLightLevels() throws {
        let dir = try Support.temporaryDirectory()
        let mp4 = dir.appendingPathComponent("pq.mp4").path
        try Support.ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=320x180:r=30:d=0.2", "-pix_fmt", "yuv420p10le",
                            "-c:v", "libx265", "-x265-params",
                            "log-level=error:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:hdr10=1:master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,50):max-cll=1000,400",
                            "-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc", mp4])
        let input = try InputContainer(path: mp4)
        let info = try input.infoWithFrameHDRMetadata()
        let v = try #require(info.video)
        #expect(v.colorTransfer == "smpte2084")
        #expect(v.colorPrimaries == "bt2020")
        #expect(v.colorSpace == "bt2020nc")
        #expect(v.hdrTransfer == .pq)
        let m = try #require(v.hdr?.masteringDisplay)
        #expect(m.maxLuminance == 1000)
        #expect(abs((m.minLuminance ?? 0) - 0.005) < 1e-9)
        #expect(abs((m.red?[0] ?? 0) - 0.68) < 1e-6 && abs((m.whitePoint?[1] ?? 0) - 0.329) < 1e-6)
        #expect(v.hdr?.contentLight == ContentLightLevel(maxCLL: 1000, maxFALL: 400))
        #expect(v.hdr?.peakNits == 1000)

        // Remuxed to Matroska, the metadata moves into the container: read without decoding.
        let mkv = dir.appendingPathComponent("pq.mkv").path
        try Support.ffmpeg(["-i", mp4, "-c", "copy", mkv])
        let fromContainer = try InputContainer(path: mkv).info().video
        #expect(fromContainer?.hdrTransfer == .pq)

        let json = try JSONEncoder().encode(info)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains("\"colorTransfer\":\"smpte2084\"") && text.contains("\"maxCLL\":1000"))
    }

    @Test func sdrStreamHasNoHDR() throws {
        let info = try InputContainer(path: Support.sample("campaign-16x9.mp4")).infoWithFrameHDRMetadata()
        let v = try #require(info.video)
        #expect(v.hdrTransfer == nil)
        #expect(v.hdr == nil)
    }
}
