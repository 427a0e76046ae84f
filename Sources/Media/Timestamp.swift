import CFFmpeg

/// A rational number as FFmpeg uses it, `Sendable` and comparable by value.
public struct Rational: Sendable, Hashable, CustomStringConvertible, Codable {
    public var num: Int32
    public var den: Int32
    public init(_ num: Int32, _ den: Int32) { self.num = num; self.den = den }
    init(_ r: AVRational) { self.num = r.num; self.den = r.den }
    var av: AVRational { AVRational(num: num, den: den) }
    public var double: Double { den == 0 ? 0 : Double(num) / Double(den) }
    public var isValid: Bool { num > 0 && den > 0 }
    public var description: String { "\(num)/\(den)" }
    public static let microseconds = Rational(1, 1_000_000)
}

/// A timestamp always travels with its time base; `AV_NOPTS_VALUE` never escapes the media layer.
public struct Timestamp: Sendable, Hashable, CustomStringConvertible {
    public var value: Int64
    public var timeBase: Rational

    public init(_ value: Int64, _ timeBase: Rational) {
        self.value = value
        self.timeBase = timeBase
    }

    /// `nil` for `AV_NOPTS_VALUE`.
    init?(raw value: Int64, _ timeBase: Rational) {
        if value == AVCode.noPTS { return nil }
        self.init(value, timeBase)
    }

    public var seconds: Double { Double(value) * timeBase.double }

    public func rescaled(to target: Rational) -> Timestamp {
        Timestamp(av_rescale_q_rnd(value, timeBase.av, target.av,
                                   AVRounding(rawValue: AV_ROUND_NEAR_INF.rawValue | AV_ROUND_PASS_MINMAX.rawValue)),
                  target)
    }

    public static func seconds(_ s: Double, _ timeBase: Rational) -> Timestamp {
        Timestamp(Int64((s / timeBase.double).rounded()), timeBase)
    }

    public var description: String { "\(value)@\(timeBase) (\(seconds) s)" }
}

/// Rescale a raw value (which may be `AV_NOPTS_VALUE`) between time bases, keeping NOPTS as is.
@inline(__always)
func rescaleRaw(_ value: Int64, from: AVRational, to: AVRational) -> Int64 {
    if value == AVCode.noPTS { return value }
    return av_rescale_q_rnd(value, from, to,
                            AVRounding(rawValue: AV_ROUND_NEAR_INF.rawValue | AV_ROUND_PASS_MINMAX.rawValue))
}
