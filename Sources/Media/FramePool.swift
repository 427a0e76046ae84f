import CFFmpeg

/// Recycles the buffers of same-sized video frames (an `AVBufferPool`), so a long video does not
/// allocate and fault in a new picture for every frame. Frames taken from the pool hold a reference to
/// their buffer; the pool itself is freed once its last buffer comes back. Thread-safe (FFmpeg's pool is).
public final class FramePool: @unchecked Sendable {
    // @unchecked: the only state is the AVBufferPool pointer, and av_buffer_pool_get is thread-safe.
    private let pool: OpaquePointer
    public let width: Int
    public let height: Int
    public let format: PixelFormat
    private static let align: Int32 = 64

    public init(width: Int, height: Int, format: PixelFormat) throws(MediaError) {
        let size = av_image_get_buffer_size(format.av, Int32(width), Int32(height), Self.align)
        try check(size, "size \(width)×\(height) \(format) frame")
        guard let pool = av_buffer_pool_init(Int(size) + 64, nil) else { throw MediaError.outOfMemory("allocate frame pool") }
        self.pool = pool
        self.width = width
        self.height = height
        self.format = format
    }

    deinit {
        var p: OpaquePointer? = pool
        av_buffer_pool_uninit(&p)
    }

    public func frame() throws(MediaError) -> Frame {
        let frame = try Frame()
        try check(mw_frame_from_pool(frame.pointer, pool, format.av, Int32(width), Int32(height), Self.align), "take frame from pool")
        return frame
    }
}
