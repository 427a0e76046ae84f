/// Mastering display colour volume (SMPTE ST 2086), as carried in stream or frame side data.
public struct MasteringDisplay: Codable, Sendable, Equatable {
    /// CIE 1931 xy of the display's red, green and blue primaries and white point; nil when not given.
    public var red: [Double]?
    public var green: [Double]?
    public var blue: [Double]?
    public var whitePoint: [Double]?
    /// cd/m² (nits); nil when not given.
    public var minLuminance: Double?
    public var maxLuminance: Double?

    public init(red: [Double]? = nil, green: [Double]? = nil, blue: [Double]? = nil, whitePoint: [Double]? = nil,
                minLuminance: Double? = nil, maxLuminance: Double? = nil) {
        self.red = red; self.green = green; self.blue = blue; self.whitePoint = whitePoint
        self.minLuminance = minLuminance; self.maxLuminance = maxLuminance
    }
}

/// Content light level (CTA-861.3): MaxCLL and MaxFALL in cd/m²; 0 means unknown.
public struct ContentLightLevel: Codable, Sendable, Equatable {
    public var maxCLL: Int
    public var maxFALL: Int
    public init(maxCLL: Int, maxFALL: Int) { self.maxCLL = maxCLL; self.maxFALL = maxFALL }
}

/// The HDR description of a stream or a frame: the light-level metadata that says how bright it gets.
public struct HDRMetadata: Codable, Sendable, Equatable {
    public var masteringDisplay: MasteringDisplay?
    public var contentLight: ContentLightLevel?
    public init(masteringDisplay: MasteringDisplay? = nil, contentLight: ContentLightLevel? = nil) {
        self.masteringDisplay = masteringDisplay
        self.contentLight = contentLight
    }
    public var isEmpty: Bool { masteringDisplay == nil && contentLight == nil }

    /// The brightest the content gets, in nits, from what is present: MaxCLL first (the content), then the
    /// mastering display's peak; nil when neither says.
    public var peakNits: Double? {
        if let c = contentLight, c.maxCLL > 0 { return Double(c.maxCLL) }
        if let m = masteringDisplay?.maxLuminance, m > 0 { return m }
        return nil
    }
}

/// The transfer characteristics an HDR source can have.
public enum HDRTransfer: String, Codable, Sendable {
    /// SMPTE ST 2084 (HDR10, Dolby Vision base layers): absolute display light up to 10 000 nits.
    case pq = "smpte2084"
    /// ARIB STD-B67 / BT.2100 HLG: relative scene light.
    case hlg = "arib-std-b67"

    /// From FFmpeg's transfer name (`av_color_transfer_name`).
    public init?(name: String?) {
        guard let name, let t = HDRTransfer(rawValue: name) else { return nil }
        self = t
    }
}
