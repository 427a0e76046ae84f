/// How a job writes its renditions when the input is a still (a photo or a graphic): `"stills"` in a job
/// spec or template. Every field has a default, so a video template renders stills as it is.
public struct StillSpec: Codable, Sendable, Equatable {
    public enum Format: String, Codable, Sendable, CaseIterable {
        /// PNG for a graphic (a PNG with few colours, or one with transparency) unless the rendition's platform
        /// takes no PNG; JPEG for photos.
        case auto
        case jpeg, png
    }
    public enum Chroma: String, Codable, Sendable, CaseIterable {
        /// 4:4:4 for graphics (text and flat colour keep their edges), 4:2:0 for camera photos.
        case auto
        case c420 = "420", c444 = "444"
    }

    public var format: Format
    /// JPEG quality, 1…100 (libjpeg's scale).
    public var quality: Int
    /// Progressive JPEG (shows early on slow networks; usually smaller).
    public var progressive: Bool
    public var chroma: Chroma
    /// `#RRGGBB`: what transparency is flattened onto for outputs that have no alpha (JPEG). (`contain` pads
    /// with black, as on video; a PNG that keeps its transparency pads with transparency.)
    public var background: String

    public init(format: Format = .auto, quality: Int = 88, progressive: Bool = true, chroma: Chroma = .auto,
                background: String = "#FFFFFF") {
        self.format = format; self.quality = quality; self.progressive = progressive; self.chroma = chroma
        self.background = background
    }

    public init(from decoder: Decoder) throws {
        try rejectUnknownFields(decoder, ["format", "quality", "progressive", "chroma", "background"])
        let c = try decoder.container(keyedBy: CodingKeys.self)
        format = try c.decodeIfPresent(Format.self, forKey: .format) ?? .auto
        quality = try c.decodeIfPresent(Int.self, forKey: .quality) ?? 88
        progressive = try c.decodeIfPresent(Bool.self, forKey: .progressive) ?? true
        chroma = try c.decodeIfPresent(Chroma.self, forKey: .chroma) ?? .auto
        background = try c.decodeIfPresent(String.self, forKey: .background) ?? "#FFFFFF"
    }

    /// Range checks, as `JobSpecValidator` makes them (the first error, naming its field).
    func validate() throws {
        guard (1...100).contains(quality) else { throw JobSpecError("stills.quality", "\(quality) is outside 1…100") }
        guard background.count == 7, Color.parse(background) != nil else {
            throw JobSpecError("stills.background", "'\(background)' is not an opaque #RRGGBB colour")
        }
    }

    /// The background as a colour (validated: opaque).
    public var backgroundColor: Color { Color.parse(background) ?? Color(r: 255, g: 255, b: 255, a: 255) }
}

/// What a still rendition's file is, for the platform rules on stills.
public struct StillFacts: Sendable, Equatable {
    /// "jpeg" or "png".
    public var format: String
    public var width: Int
    public var height: Int
    public var bytes: Int
    public init(format: String, width: Int, height: Int, bytes: Int) {
        self.format = format; self.width = width; self.height = height; self.bytes = bytes
    }
}
