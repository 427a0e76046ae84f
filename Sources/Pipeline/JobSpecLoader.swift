import Foundation

/// A job spec with its template applied, validated, and its paths resolved inside their roots.
public struct ResolvedJob: Sendable {
    public var spec: JobSpec
    /// Absolute path of the input (inside the input root).
    public var inputPath: String
    /// Absolute paths of the watermark's image or font, when it has them.
    public var watermarkImagePath: String?
    public var watermarkFontPath: String?
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
            throw PipelineError.invalidSpec("spec", "cannot read \(path): \(error.localizedDescription)")
        }
        return try load(data: data)
    }

    public func load(data: Data) throws -> ResolvedJob {
        guard data.count <= 1 << 20 else { throw PipelineError.invalidSpec("spec", "larger than 1 MiB") }
        let object: [String: Any]
        do {
            guard let o = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw PipelineError.invalidSpec("spec", "not a JSON object")
            }
            object = o
        } catch let e as PipelineError { throw e } catch {
            throw PipelineError.invalidSpec("spec", "not valid JSON (\(error.localizedDescription))")
        }
        return try resolve(object: object)
    }

    public func resolve(object: [String: Any]) throws -> ResolvedJob {
        var merged: [String: Any] = [:]
        var watermarkFromTemplate = false
        if let name = object["template"] {
            guard let name = name as? String else { throw PipelineError.invalidSpec("template", "must be a string") }
            merged = try template(named: name)
            watermarkFromTemplate = merged["watermark"] != nil && object["watermark"] == nil
        }
        for (key, value) in object {
            if value is NSNull { merged.removeValue(forKey: key) } else { merged[key] = value }
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
        return job
    }

    func template(named name: String) throws -> [String: Any] {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw PipelineError.invalidSpec("template", "'\(name)' is not a template name (letters, digits, - and _)")
        }
        let path = (jobsDirectory as NSString).appendingPathComponent(name + ".json")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PipelineError.invalidSpec("template", "no template '\(name)' (\(path) not found)")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw PipelineError.invalidSpec("template", "\(path) is not a JSON object")
        }
        return object
    }

    /// Decode strictly, turning Swift's decoding errors into field-named ones.
    static func decode(_ object: [String: Any]) throws -> JobSpec {
        let data = try JSONSerialization.data(withJSONObject: object)
        do {
            return try JSONDecoder().decode(JobSpec.self, from: data)
        } catch let error as DecodingError {
            throw fieldError(error)
        }
    }

    static func fieldError(_ error: DecodingError) -> PipelineError {
        func path(_ keys: [CodingKey]) -> String {
            var out = ""
            for k in keys {
                if let i = k.intValue { out += "[\(i)]" } else { out += (out.isEmpty ? "" : ".") + k.stringValue }
            }
            return out.isEmpty ? "spec" : out
        }
        switch error {
        case .keyNotFound(let key, let ctx):
            return .invalidSpec(path(ctx.codingPath + [key]), "required field is missing")
        case .typeMismatch(let type, let ctx):
            return .invalidSpec(path(ctx.codingPath), "expected \(typeName(type))")
        case .valueNotFound(let type, let ctx):
            return .invalidSpec(path(ctx.codingPath), "expected \(typeName(type)), found null")
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
                default: allowed = []
                }
                return .invalidSpec(field, "must be one of: \(allowed.joined(separator: ", "))")
            }
            return .invalidSpec(field, ctx.debugDescription)
        @unknown default:
            return .invalidSpec("spec", "\(error)")
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: return "an integer"
        case is Double.Type: return "a number"
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is [Any].Type, is [RenditionSpec].Type, is [Double].Type: return "an array"
        default: return "an object"
        }
    }
}

/// Paths from specs resolve inside a configured root, symlinks included; anything else is refused.
public enum PathPolicy {
    public static func resolve(_ relative: String, root: String, field: String, mustExist: Bool) throws -> String {
        guard !relative.isEmpty else { throw PipelineError.invalidSpec(field, "must not be empty") }
        guard !relative.contains("\0") else { throw PipelineError.invalidSpec(field, "contains a NUL byte") }
        guard !relative.hasPrefix("/") else {
            throw PipelineError.invalidSpec(field, "must be relative to its root (\(root)), not absolute")
        }
        guard let rootReal = realPath(root) else { throw PipelineError.invalidSpec(field, "the root \(root) does not exist") }
        let joined = rootReal + "/" + relative
        let candidate: String
        if let real = realPath(joined) {
            candidate = real
        } else if mustExist {
            throw PipelineError.invalidSpec(field, "'\(relative)' does not exist under \(root)")
        } else {
            candidate = (joined as NSString).standardizingPath
        }
        guard candidate == rootReal || candidate.hasPrefix(rootReal.hasSuffix("/") ? rootReal : rootReal + "/") else {
            throw PipelineError.invalidSpec(field, "'\(relative)' resolves outside \(root)")
        }
        return candidate
    }

    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }
}
