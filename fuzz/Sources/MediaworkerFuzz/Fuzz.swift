// libFuzzer entry points of the media targets (`media`, `png`, `still`): this library links FFmpeg and libpng.
// The job-spec and hook targets live in MediaworkerFuzzJob, which links neither. `fuzz/run.sh TARGET SECONDS`
// links the target's library to libFuzzer's main and picks the target with MEDIAWORKER_FUZZ_TARGET (a binary
// has one LLVMFuzzerTestOneInput). Built with `swift build --sanitize=fuzzer --sanitize=address`, so the
// product's own code is instrumented, not only this file.
import Foundation
import FuzzSupport
import Imaging
import Media

private enum Target: String, CaseIterable {
    case media, png, still
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
