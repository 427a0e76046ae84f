import CFFmpeg

/// Process-wide allocator settings for media work.
public enum MediaMemory {
    /// Frames (a 1080p YUV 4:2:0 picture is 3 MB) are allocated by one thread and freed by another at the
    /// frame rate of every rendition. With glibc's adaptive defaults those buffers keep going back to the
    /// kernel and coming back as freshly zeroed pages; measured on the 3-rendition benchmark, that was ~0.9 s
    /// of system time in 20 s of CPU. Keeping them in malloc's arenas (blocks under 32 MB, at most 256 MB of
    /// free memory at an arena's top before it is trimmed) removes that cost. The pipeline's queues are
    /// bounded, so what stays cached is bounded by the pipeline's own peak, not by the video's length.
    /// Call once, before threads start. Returns whether the settings were applied (glibc only).
    @discardableResult
    public static func keepFreedFrameBuffers() -> Bool {
        mw_keep_freed_memory(32 << 20, 256 << 20) == 1
    }
}
