import CFFmpeg

extension Decoder {
    /// Whether the decoder skips frames no other frame refers to (`skip_frame = AVDISCARD_NONREF`): they are
    /// neither decoded nor returned, and every other frame decodes exactly as without skipping. Takes effect
    /// from the next packet sent (frame threads pick it up per packet).
    public var skipsNonReferenceFrames: Bool {
        get { context.pointee.skip_frame == AVDISCARD_NONREF }
        set { context.pointee.skip_frame = newValue ? AVDISCARD_NONREF : AVDISCARD_DEFAULT }
    }
}
