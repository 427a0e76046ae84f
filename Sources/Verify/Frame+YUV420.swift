import Job
import Imaging
import Media

extension Frame {
    /// The planes of a yuv420p frame as an `Imaging` view (valid while the frame lives).
    var planes420: YUV420? {
        guard pixelFormat == .yuv420p || pixelFormat == PixelFormat(name: "yuvj420p"),
              let y = data(0), let u = data(1), let v = data(2) else { return nil }
        return YUV420(y: Plane(base: y, stride: linesize(0), width: width, height: height),
                      u: Plane(base: u, stride: linesize(1), width: width / 2, height: height / 2),
                      v: Plane(base: v, stride: linesize(2), width: width / 2, height: height / 2))
    }

    /// A new yuv420p frame of the given size filled with one colour (Y, U, V).
    static func filled420(width: Int, height: Int, y: UInt8, u: UInt8 = 128, v: UInt8 = 128) throws -> Frame {
        let frame = try Frame.video(width: width, height: height, format: .yuv420p)
        let p = frame.planes420!
        PlaneOps.fill(p.y, y)
        PlaneOps.fill(p.u, u)
        PlaneOps.fill(p.v, v)
        return frame
    }
}
