import CFFmpeg

/// Owns a `SwrContext` converting any decoded audio to the encoder's format, and an `AVAudioFifo`
/// that hands out frames of exactly the encoder's frame size.
public final class Resampler {
    private var context: OpaquePointer?
    private let fifo: OpaquePointer
    public let outputRate: Int
    public let outputChannels: Int = 2
    private let outputFormat = AV_SAMPLE_FMT_FLTP
    private var inputKey: (rate: Int32, format: Int32, layout: String)?

    private let compensate: Bool
    private var inputRate: Int32 = 0

    /// - Parameter compensate: place samples by their timestamps (see `setNextTimestamp`): gaps become
    ///   silence, overlaps are dropped.
    public init(outputRate: Int = 48_000, compensate: Bool = false) throws(MediaError) {
        self.outputRate = outputRate
        self.compensate = compensate
        guard let fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, 2, Int32(outputRate)) else {
            throw MediaError.outOfMemory("allocate audio FIFO")
        }
        self.fifo = fifo
    }

    deinit {
        swr_free(&context)
        av_audio_fifo_free(fifo)
    }

    /// Samples waiting in the FIFO.
    public var buffered: Int { Int(av_audio_fifo_size(fifo)) }

    private func configure(for frame: Frame) throws(MediaError) {
        var layout = frame.pointer.pointee.ch_layout
        if layout.order == AV_CHANNEL_ORDER_UNSPEC || av_channel_layout_check(&layout) == 0 {
            av_channel_layout_default(&layout, max(1, layout.nb_channels))
        }
        var buffer = [CChar](repeating: 0, count: 128)
        av_channel_layout_describe(&layout, &buffer, buffer.count)
        let key = (frame.pointer.pointee.sample_rate, frame.pointer.pointee.format, String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        if let k = inputKey, k.rate == key.0, k.format == key.1, k.layout == key.2 { return }
        swr_free(&context)
        var outLayout = mw_layout_stereo()
        let code = swr_alloc_set_opts2(&context, &outLayout, outputFormat, Int32(outputRate),
                                       &layout, AVSampleFormat(rawValue: frame.pointer.pointee.format),
                                       frame.pointer.pointee.sample_rate, 0, nil)
        try check(code, "configure resampler")
        if compensate {
            // Fill gaps with silence and drop overlaps larger than 20 ms, and start the output at pts 0
            // (padding a late start, trimming an early one): what keeps sound within 20 ms of its picture.
            let raw = UnsafeMutableRawPointer(context!)
            av_opt_set_double(raw, "min_hard_comp", 0.02, 0)
            av_opt_set_int(raw, "first_pts", 0, 0)
        }
        try check(swr_init(context), "configure resampler (\(key.2) \(key.0) Hz → stereo \(outputRate) Hz)")
        inputKey = key
    }

    /// Convert `frame` and append its samples to the FIFO.
    /// - Parameter outputPosition: with compensation, where the frame's first sample belongs in the output,
    ///   in output samples from the output's start (may be negative: those samples are dropped).
    public func push(_ frame: Frame, outputPosition: Double? = nil) throws(MediaError) {
        try configure(for: frame)
        if compensate, let position = outputPosition {
            // swr_next_pts takes pts in units of 1 / (in_rate × out_rate).
            _ = swr_next_pts(context, Int64((position * Double(frame.sampleRate)).rounded()))
        }
        let inSamples = Int32(frame.sampleCount)
        let maxOut = swr_get_out_samples(context, inSamples)
        guard maxOut > 0 else { return }
        try convert(input: mw_frame_extended_data(frame.pointer).map { UnsafeMutableRawPointer($0) }, inSamples: inSamples, maxOut: maxOut)
    }

    /// Drain what the resampler still holds (end of stream).
    public func flush() throws(MediaError) {
        guard context != nil else { return }
        let maxOut = swr_get_out_samples(context, 0)
        guard maxOut > 0 else { return }
        try convert(input: nil, inSamples: 0, maxOut: maxOut)
    }

    private func convert(input: UnsafeMutableRawPointer?, inSamples: Int32, maxOut: Int32) throws(MediaError) {
        var out: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>? = nil
        var linesize: Int32 = 0
        try check(av_samples_alloc_array_and_samples(&out, &linesize, 2, maxOut, outputFormat, 0), "allocate audio samples")
        defer {
            if let out { av_freep(UnsafeMutableRawPointer(out)) }  // the sample buffer
            av_freep(&out)                                         // the pointer array
        }
        let inPtr = input?.assumingMemoryBound(to: UnsafePointer<UInt8>?.self)
        let converted = swr_convert(context, out, maxOut, inPtr, inSamples)
        try check(converted, "resample audio")
        if converted > 0 {
            let written = out!.withMemoryRebound(to: UnsafeMutableRawPointer?.self, capacity: 2) {
                av_audio_fifo_write(fifo, $0, converted)
            }
            try check(written, "buffer audio")
        }
    }

    /// Append `count` samples of silence.
    public func pushSilence(_ count: Int) throws(MediaError) {
        guard count > 0 else { return }
        let frame = try outputFrame(samples: count)
        try check(av_samples_set_silence(mw_frame_extended_data(frame.pointer), 0, Int32(count), 2, outputFormat), "write silence")
        let written = mw_frame_extended_data(frame.pointer)!.withMemoryRebound(to: UnsafeMutableRawPointer?.self, capacity: 2) {
            av_audio_fifo_write(fifo, $0, Int32(count))
        }
        try check(written, "buffer audio")
    }

    /// An audio frame in the output format with buffers for `samples` samples.
    private func outputFrame(samples: Int) throws(MediaError) -> Frame {
        let frame = try Frame()
        frame.pointer.pointee.nb_samples = Int32(samples)
        frame.pointer.pointee.format = outputFormat.rawValue
        frame.pointer.pointee.ch_layout = mw_layout_stereo()
        frame.pointer.pointee.sample_rate = Int32(outputRate)
        try check(av_frame_get_buffer(frame.pointer, 0), "allocate \(samples) audio samples")
        return frame
    }

    /// Drop `count` samples from the front of the FIFO.
    public func discard(_ count: Int) {
        guard count > 0 else { return }
        av_audio_fifo_drain(fifo, Int32(min(count, buffered)))
    }

    /// Take `count` samples (or fewer, if fewer are buffered) as a frame for the encoder.
    public func pop(_ count: Int) throws(MediaError) -> Frame? {
        let n = min(count, buffered)
        guard n > 0 else { return nil }
        let frame = try outputFrame(samples: n)
        let read = mw_frame_extended_data(frame.pointer)!.withMemoryRebound(to: UnsafeMutableRawPointer?.self, capacity: 2) {
            av_audio_fifo_read(fifo, $0, Int32(n))
        }
        try check(read, "read audio FIFO")
        return frame
    }
}
