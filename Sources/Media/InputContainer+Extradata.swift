import CFFmpeg

extension InputContainer {
    /// The codec's global header of a stream (`codecpar.extradata`: avcC/hvcC for H.264/HEVC in MP4),
    /// empty when there is none. Verification reads the NAL length size from it.
    public func extradata(of index: Int) -> [UInt8] {
        let par = stream(index).pointee.codecpar!
        guard let data = par.pointee.extradata, par.pointee.extradata_size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(par.pointee.extradata_size)))
    }
}
