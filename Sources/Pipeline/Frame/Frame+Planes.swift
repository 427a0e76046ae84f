import Job
import Imaging
import Media

extension Frame {
    /// The frame's planes as an 8-bit YUV 4:2:0 view (the frame must be yuv420p and stay alive).
    var yuv420: YUV420 {
        YUV420(y: Plane(base: data(0)!, stride: linesize(0), width: width, height: height),
               u: Plane(base: data(1)!, stride: linesize(1), width: width / 2, height: height / 2),
               v: Plane(base: data(2)!, stride: linesize(2), width: width / 2, height: height / 2))
    }
}

extension YUV420 {
    var planePointers: [UnsafeMutablePointer<UInt8>?] { [y.base, u.base, v.base] }
    var strides: [Int] { [y.stride, u.stride, v.stride] }

    func fillBlack() {
        PlaneOps.fill(y, 16)
        PlaneOps.fill(u, 128)
        PlaneOps.fill(v, 128)
    }
}
