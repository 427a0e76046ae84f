// libFuzzer entry points of the media targets (`media`, `png`, `still`): this library links FFmpeg and libpng.
// The job-spec and hook targets live in MediaworkerFuzzJob, which links neither. `fuzz/run.sh TARGET SECONDS`
// links the target's library to libFuzzer's main and picks the target with MEDIAWORKER_FUZZ_TARGET (a binary
// has one LLVMFuzzerTestOneInput). Built with `swift build --sanitize=fuzzer --sanitize=address`, so the
// product's own code is instrumented, not only this file.
import Foundation
import FuzzSupport
import Imaging
import Job
import Media
import Pipeline

private enum Target: String, CaseIterable {
    case media, png, still, captions
}

nonisolated(unsafe) private var target = Target.media
nonisolated(unsafe) private var scratchPath = ""

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    target = chosenFuzzTarget(Target.self)
    scratchPath = NSTemporaryDirectory() + "/mediaworker-fuzz-\(getpid()).bin"
    MediaLog.configure(environment: [:])
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    switch target {
    case .media: fuzzMedia(bytes)
    case .png: _ = try? PNG.decode(bytes, limits: PNGLimits(maxWidth: 4096, maxHeight: 4096, maxPixels: 4_000_000))
    case .still:
        // A still upload: sniffed by content, decoded (JPEG, PNG, HEIF), EXIF orientation and ICC applied.
        _ = try? StillImage.decode(Array(bytes), limits: StillLimits(maxWidth: 4096, maxHeight: 4096, maxPixels: 4_000_000,
                                                                    maxFileBytes: 8 << 20, maxScans: 64, maxProfileBytes: 1 << 20,
                                                                    maxDecoderMemory: 256 << 20))
    case .captions: fuzzCaptions(bytes)
    }
    return 0
}

/// Arbitrary bytes opened, probed and decoded (at most 20 frames of the first video stream) under the input
/// policy, as the worker would open an upload.
private func fuzzMedia(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard FileManager.default.createFile(atPath: scratchPath, contents: Data(buffer: bytes)) else { return }
    var policy = InputPolicy.default
    policy.deadline = 5
    guard let input = try? InputContainer(path: scratchPath, policy: policy) else { return }
    _ = input.info()
    guard let stream = try? input.requireVideoStream(),
          let decoder = try? Decoder(input: input, stream: stream, threads: 1),
          let packet = try? Packet(), let frame = try? Frame() else { return }
    var frames = 0
    do {
        while frames < 20, try input.read(into: packet) {
            guard packet.streamIndex == Int32(stream) else { continue }
            try decoder.feed(packet, into: frame) { _ in frames += 1 }
        }
    } catch {}
}

/// A captions file (the first byte picks SRT or WebVTT, the rest is the file) read with FFmpeg's demuxer and
/// decoder under the captions' limits, turned into spans, the first spans rendered with libass into a small
/// story-shaped box (sanitized: override tags must not escape it), and written as a sidecar.
private func fuzzCaptions(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let first = bytes.first else { return }
    let path = scratchPath + (first & 1 == 0 ? ".srt" : ".vtt")
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes.dropFirst())) else { return }
    guard let cues = try? SubtitleReader.read(path: path) else { return }
    let timeline = CaptionTimeline(cues: cues, duration: 600)
    _ = WebVTTWriter.text(timeline.cues, language: "es")
    guard let stamp = try? CaptionStamp(timeline: timeline, width: 180, height: 320,
                                        safeArea: SafeArea(top: 0.14, bottom: 0.22, left: 0.06, right: 0.06),
                                        style: CaptionStyle(), fontPath: JobSpecLoader.defaultFont,
                                        avoiding: Rect(x: 100, y: 230, width: 60, height: 12), bt709: false) else { return }
    for span in timeline.spans.prefix(3) {
        guard let mark = try? stamp.overlay(at: span.start) else { continue }
        let r = mark.rect
        if r.x < stamp.box.x || r.y < stamp.box.y || r.x + r.width > stamp.box.x + stamp.box.width + 1
            || r.y + r.height > stamp.box.y + stamp.box.height + 1 {
            fatalError("caption \(r) outside its box \(stamp.box)")
        }
    }
}
