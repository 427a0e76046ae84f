import Foundation

/// A job spec with its template applied, validated, and its paths resolved inside their roots.
public struct ResolvedJob: Sendable {
    public var spec: JobSpec
    /// Absolute path of the input (inside the input root).
    public var inputPath: String
    /// Absolute paths of the watermark's image or font, when it has them.
    public var watermarkImagePath: String?
    public var watermarkFontPath: String?
    /// Absolute path of the captions file (inside the input root), when the job has captions.
    public var captionsPath: String?
    /// The captions' font: the style's (inside the input root) or the default.
    public var captionsFontPath: String?
}

/// Reads job specs: applies `jobs/<template>.json` (the spec's top-level fields replace the template's;
/// `"watermark": null` removes it), decodes strictly, validates every field, resolves paths.
public struct JobSpecLoader: Sendable {
    public var jobsDirectory: String
    public var inputRoot: String
    public static let defaultFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

    public init(jobsDirectory: String = "jobs", inputRoot: String = ".") {
        self.jobsDirectory = jobsDirectory
        self.inputRoot = inputRoot
    }

    public func load(path: String) throws -> ResolvedJob {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw JobSpecError("spec", "cannot read \(path): \(error.localizedDescription)")
        }
        return try load(data: data)
    }

    public func load(data: Data) throws -> ResolvedJob {
        guard data.count <= 1 << 20 else { throw JobSpecError("spec", "larger than 1 MiB") }
        guard let value = JSONValue(json: data) else { throw JobSpecError("spec", "not valid JSON") }
        guard let object = value.object else { throw JobSpecError("spec", "not a JSON object") }
        return try resolve(object: object)
    }

    public func resolve(object: [String: JSONValue]) throws -> ResolvedJob {
        var merged: [String: JSONValue] = [:]
        var watermarkFromTemplate = false
        if let name = object["template"] {
            guard let name = name.string else { throw JobSpecError("template", "must be a string") }
            merged = try template(named: name)
            watermarkFromTemplate = merged["watermark"] != nil && object["watermark"] == nil
        }
        for (key, value) in object {
            if value == .null { merged.removeValue(forKey: key) } else { merged[key] = value }
        }
        let spec = try Self.decode(merged)
        try JobSpecValidator.validate(spec)
        let inputPath = try PathPolicy.resolve(spec.input, root: inputRoot, field: "input", mustExist: true)
        var job = ResolvedJob(spec: spec, inputPath: inputPath)
        if let w = spec.watermark {
            let assetRoot = watermarkFromTemplate ? jobsDirectory : inputRoot
            if let image = w.image {
                job.watermarkImagePath = try PathPolicy.resolve(image, root: assetRoot, field: "watermark.image", mustExist: true)
            }
            if let font = w.font {
                job.watermarkFontPath = try PathPolicy.resolve(font, root: assetRoot, field: "watermark.font", mustExist: true)
            } else if w.text != nil {
                job.watermarkFontPath = Self.defaultFont
            }
        }
        if let c = spec.captions {
            job.captionsPath = try PathPolicy.resolve(c.file, root: inputRoot, field: "captions.file", mustExist: true)
            job.captionsFontPath = try c.style.font.map { try PathPolicy.resolve($0, root: inputRoot, field: "captions.style.font", mustExist: true) }
                ?? Self.defaultFont
        }
        return job
    }

    func template(named name: String) throws -> [String: JSONValue] {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw JobSpecError("template", "'\(name)' is not a template name (letters, digits, - and _)")
        }
        let path = (jobsDirectory as NSString).appendingPathComponent(name + ".json")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw JobSpecError("template", "no template '\(name)' (\(path) not found)")
        }
        guard let object = JSONValue(json: data)?.object else {
            throw JobSpecError("template", "\(path) is not a JSON object")
        }
        return object
    }

    /// Decode strictly, turning Swift's decoding errors into field-named ones.
    static func decode(_ object: [String: JSONValue]) throws -> JobSpec {
        let data = try JSONEncoder().encode(object)
        do {
            return try JSONDecoder().decode(JobSpec.self, from: data)
        } catch let error as DecodingError {
            throw fieldError(error)
        }
    }

    static func fieldError(_ error: DecodingError) -> JobSpecError {
        func path(_ keys: [CodingKey]) -> String {
            var out = ""
            for k in keys {
                if let i = k.intValue { out += "[\(i)]" } else { out += (out.isEmpty ? "" : ".") + k.stringValue }
            }
            return out.isEmpty ? "spec" : out
        }
        switch error {
        case .keyNotFound(let key, let ctx):
            return JobSpecError(path(ctx.codingPath + [key]), "required field is missing")
        case .typeMismatch(let type, let ctx):
            return JobSpecError(path(ctx.codingPath), "expected \(typeName(type))")
        case .valueNotFound(let type, let ctx):
            return JobSpecError(path(ctx.codingPath), "expected \(typeName(type)), found null")
        case .dataCorrupted(let ctx):
            let field = path(ctx.codingPath)
            let last = ctx.codingPath.last?.stringValue
            if ctx.debugDescription.hasPrefix("Cannot initialize") {
                let allowed: [String]
                switch last {
                case "fit": allowed = Fit.allCases.map(\.rawValue)
                case "anchor": allowed = Anchor.allCases.map(\.rawValue)
                case "style": allowed = WatermarkStyle.allCases.map(\.rawValue)
                case "platform_check": allowed = PlatformCheckMode.allCases.map(\.rawValue)
                case "deinterlace": allowed = DeinterlaceRate.allCases.map(\.rawValue)
                case "background": allowed = CaptionBackground.allCases.map(\.rawValue)
                default: allowed = []
                }
                return JobSpecError(field, "must be one of: \(allowed.joined(separator: ", "))")
            }
            return JobSpecError(field, ctx.debugDescription)
        @unknown default:
            return JobSpecError("spec", "\(error)")
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: return "an integer"
        case is Double.Type: return "a number"
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is [RenditionSpec].Type, is [Double].Type: return "an array"
        default: return "an object"
        }
    }
}

/// Paths from specs resolve inside a configured root, symlinks included (``PathContainment``); a refusal
/// names the spec's field.
public enum PathPolicy {
    public static func resolve(_ relative: String, root: String, field: String, mustExist: Bool) throws -> String {
        do {
            return try PathContainment.resolve(relative, inside: root, rules: .init(mustExist: mustExist)).path
        } catch {
            throw JobSpecError(field, error.description)
        }
    }
}
