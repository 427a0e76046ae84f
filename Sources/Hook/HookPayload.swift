import Foundation
import Job

/// One upload the hook was told about, before its path is checked.
package struct UploadNotice: Sendable, Equatable {
    package enum Source: String, Sendable {
        case mediaworker, tusd, s3
    }

    package var source: Source
    /// As the sender wrote it: relative to the upload root, or absolute (tusd's storage path).
    package var path: String
    package var template: String
    /// The idempotency key: a repeated delivery carries the same one.
    package var key: String
    /// Job spec fields that replace the template's, as a JSON object (our payload only).
    package var overrides: Data?
    /// A captions file next to the upload (our payload only).
    package var captions: CaptionsNotice? = nil
}

/// `"captions": "clip.es.srt"` or `{"file": "clip.es.srt", "language": "es"}` in our payload: an SRT or WebVTT file
/// in the upload's own folder (a file name, no path); the language defaults to the tag before the extension.
package struct CaptionsNotice: Sendable, Equatable {
    package var file: String
    package var language: String

    static func parse(_ value: JSONValue) throws -> CaptionsNotice {
        let file: String
        var language: String?
        if let name = value.string {
            file = name
        } else if let object = value.object {
            if let unknown = object.keys.filter({ !["file", "language"].contains($0) }).sorted().first {
                throw HookError.malformed("unknown field 'captions.\(unknown)' (known: file, language)")
            }
            guard let name = object["file"]?.string else { throw HookError.malformed("'captions.file' must be a string") }
            file = name
            if let l = object["language"] {
                guard let text = l.string else { throw HookError.malformed("'captions.language' must be a string") }
                language = text
            }
        } else {
            throw HookError.malformed("'captions' must be a file name or {\"file\", \"language\"}")
        }
        guard !file.isEmpty, !file.contains("/"), file != ".", file != ".." else {
            throw HookError.malformed("'captions' must name a file next to the upload (no folders)")
        }
        if language == nil {
            let parts = file.split(separator: ".")
            if parts.count >= 3, CaptionsSpec.isLanguageTag(String(parts[parts.count - 2])) { language = String(parts[parts.count - 2]) }
        }
        guard let language, CaptionsSpec.isLanguageTag(language) else {
            throw HookError.malformed("'captions' needs a language: {\"file\": …, \"language\": \"es\"} or a name like clip.es.srt")
        }
        return CaptionsNotice(file: file, language: language)
    }
}

/// What a hook body asks for.
package enum HookPayload: Sendable, Equatable {
    case uploads([UploadNotice])
    /// A well-formed delivery that asks for nothing (a tusd `pre-create`, an S3 `ObjectRemoved`).
    case ignored(String)

    /// Tells the three formats apart by their top-level fields: tusd's `Type` + `Event`, S3's `Records`, else ours.
    /// tusd's and S3's bodies are third-party JSON: only the few fields we need are read, whatever else their
    /// versions add; ours is strict (unknown fields are errors).
    package static func parse(_ body: Data, defaultTemplate: String) throws -> HookPayload {
        guard let value = JSONValue(json: body) else { throw HookError.malformed("the body is not valid JSON") }
        guard let object = value.object else { throw HookError.malformed("the body is not a JSON object") }
        if object["Type"] != nil, object["Event"] != nil {
            return try tusd(object, template: defaultTemplate)
        }
        if object["Records"] != nil {
            return try s3(object, template: defaultTemplate)
        }
        return try ours(object, body: body, defaultTemplate: defaultTemplate)
    }

    /// `{"input": "<path>", "template": "social", "key": "<idempotency key>", "overrides": {<job spec fields>}}`.
    /// Without `key`, the SHA-256 of the body is the key: a byte-identical redelivery is the same delivery.
    static func ours(_ object: [String: JSONValue], body: Data, defaultTemplate: String) throws -> HookPayload {
        let known: Set<String> = ["input", "template", "key", "overrides", "captions"]
        if let unknown = object.keys.filter({ !known.contains($0) }).sorted().first {
            throw HookError.malformed("unknown field '\(unknown)' (known: captions, input, key, overrides, template)")
        }
        guard let input = object["input"]?.string, !input.isEmpty else {
            throw HookError.malformed("'input' must be a non-empty string")
        }
        var template = defaultTemplate
        if let value = object["template"] {
            guard let name = value.string else { throw HookError.malformed("'template' must be a string") }
            template = name
        }
        let key: String
        if let value = object["key"] {
            guard let text = value.string, !text.isEmpty, text.utf8.count <= 512 else {
                throw HookError.malformed("'key' must be a string of 1 to 512 bytes")
            }
            key = text
        } else {
            key = "sha256:" + Digest.hex(of: body)
        }
        var overrides: Data?
        if let value = object["overrides"] {
            guard let fields = value.object else { throw HookError.malformed("'overrides' must be an object") }
            for reserved in ["input", "template"] where fields[reserved] != nil {
                throw HookError.malformed("'overrides' must not set '\(reserved)' (use the top-level field)")
            }
            overrides = Data(value.text.utf8)
        }
        var notice = UploadNotice(source: .mediaworker, path: input, template: template, key: key, overrides: overrides)
        notice.captions = try object["captions"].map(CaptionsNotice.parse)
        return .uploads([notice])
    }

    /// A tusd v2 HTTP hook: `post-finish` enqueues `Event.Upload.Storage.Path` keyed by `Event.Upload.ID`.
    static func tusd(_ object: [String: JSONValue], template: String) throws -> HookPayload {
        guard let type = object["Type"]?.string else { throw HookError.malformed("tusd 'Type' must be a string") }
        guard type == "post-finish" else { return .ignored("tusd \(type)") }
        guard let upload = object["Event"]?.object?["Upload"]?.object else {
            throw HookError.malformed("tusd post-finish without Event.Upload")
        }
        guard let id = upload["ID"]?.string, !id.isEmpty else {
            throw HookError.malformed("tusd post-finish without Event.Upload.ID")
        }
        guard let path = upload["Storage"]?.object?["Path"]?.string, !path.isEmpty else {
            throw HookError.malformed("tusd post-finish without Event.Upload.Storage.Path (only tusd's filestore is supported)")
        }
        return .uploads([UploadNotice(source: .tusd, path: path, template: template, key: "tusd:" + id, overrides: nil)])
    }

    /// An S3 / MinIO bucket notification: each `ObjectCreated:*` record enqueues `<bucket>/<key>` (the key
    /// URL-decoded, `+` meaning a space) under the upload root; other events are ignored.
    static func s3(_ object: [String: JSONValue], template: String) throws -> HookPayload {
        guard let records = object["Records"]?.array?.map(\.object), !records.contains(where: { $0 == nil }) else {
            throw HookError.malformed("'Records' must be an array of objects")
        }
        var notices: [UploadNotice] = []
        var ignored: [String] = []
        for (index, record) in records.compactMap({ $0 }).enumerated() {
            guard let name = record["eventName"]?.string else {
                throw HookError.malformed("Records[\(index)].eventName must be a string")
            }
            // AWS writes `ObjectCreated:Put`, MinIO `s3:ObjectCreated:Put`.
            guard name.hasPrefix("ObjectCreated:") || name.hasPrefix("s3:ObjectCreated:") else {
                ignored.append(name)
                continue
            }
            let s3 = record["s3"]?.object
            guard let bucket = s3?["bucket"]?.object?["name"]?.string, !bucket.isEmpty,
                let object = s3?["object"]?.object, let rawKey = object["key"]?.string, !rawKey.isEmpty
            else {
                throw HookError.malformed("Records[\(index)] needs s3.bucket.name and s3.object.key")
            }
            guard let key = rawKey.replacingOccurrences(of: "+", with: " ").removingPercentEncoding, !key.isEmpty else {
                throw HookError.malformed("Records[\(index)].s3.object.key is not URL-encoded text")
            }
            guard !bucket.contains("/"), bucket != ".", bucket != ".." else {
                throw HookError.pathRefused("bucket name '\(bucket)' is not a single path component")
            }
            // The same object version delivered again has the same key; a new upload over it has a new eTag.
            let version = object["versionId"]?.string ?? object["eTag"]?.string ?? object["sequencer"]?.string ?? ""
            notices.append(UploadNotice(source: .s3, path: bucket + "/" + key, template: template,
                                        key: "s3:\(bucket)/\(key)" + (version.isEmpty ? "" : "#" + version), overrides: nil))
        }
        if notices.isEmpty { return .ignored(ignored.isEmpty ? "no records" : "S3 " + ignored.joined(separator: ", ")) }
        return .uploads(notices)
    }
}
