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
}

/// What a hook body asks for.
package enum HookPayload: Sendable, Equatable {
    case uploads([UploadNotice])
    /// A well-formed delivery that asks for nothing (a tusd `pre-create`, an S3 `ObjectRemoved`).
    case ignored(String)

    /// Tells the three formats apart by their top-level fields: tusd's `Type` + `Event`, S3's `Records`, else ours.
    package static func parse(_ body: Data, defaultTemplate: String) throws -> HookPayload {
        // Free-form on purpose: tusd's and S3's event bodies are third-party JSON, read field by field below
        // (only the few fields we need, whatever else their versions add). Our own payload is typed (`ours`).
        let object: [String: Any]  // third-party JSON (tusd, S3) until told apart
        do {
            guard let o = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {  // third-party JSON (tusd, S3) until told apart
                throw HookError.malformed("the body is not a JSON object")
            }
            object = o
        } catch let error as HookError {
            throw error
        } catch {
            throw HookError.malformed("the body is not valid JSON")
        }
        if object["Type"] != nil, object["Event"] != nil {
            return try tusd(object, template: defaultTemplate)
        }
        if object["Records"] != nil {
            return try s3(object, template: defaultTemplate)
        }
        guard let fields = JSONValue(json: body)?.object else { throw HookError.malformed("the body is not a JSON object") }
        return try ours(fields, body: body, defaultTemplate: defaultTemplate)
    }

    /// `{"input": "<path>", "template": "social", "key": "<idempotency key>", "overrides": {<job spec fields>}}`.
    /// Without `key`, the SHA-256 of the body is the key: a byte-identical redelivery is the same delivery.
    static func ours(_ object: [String: JSONValue], body: Data, defaultTemplate: String) throws -> HookPayload {
        let known: Set<String> = ["input", "template", "key", "overrides"]
        if let unknown = object.keys.filter({ !known.contains($0) }).sorted().first {
            throw HookError.malformed("unknown field '\(unknown)' (known: input, key, overrides, template)")
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
        return .uploads([UploadNotice(source: .mediaworker, path: input, template: template, key: key, overrides: overrides)])
    }

    /// A tusd v2 HTTP hook: `post-finish` enqueues `Event.Upload.Storage.Path` keyed by `Event.Upload.ID`.
    static func tusd(_ object: [String: Any], template: String) throws -> HookPayload {  // third-party JSON (tusd)
        guard let type = object["Type"] as? String else { throw HookError.malformed("tusd 'Type' must be a string") }
        guard type == "post-finish" else { return .ignored("tusd \(type)") }
        guard let event = object["Event"] as? [String: Any], let upload = event["Upload"] as? [String: Any] else {  // third-party JSON (tusd)
            throw HookError.malformed("tusd post-finish without Event.Upload")
        }
        guard let id = upload["ID"] as? String, !id.isEmpty else {
            throw HookError.malformed("tusd post-finish without Event.Upload.ID")
        }
        guard let storage = upload["Storage"] as? [String: Any], let path = storage["Path"] as? String, !path.isEmpty else {  // third-party JSON (tusd)
            throw HookError.malformed("tusd post-finish without Event.Upload.Storage.Path (only tusd's filestore is supported)")
        }
        return .uploads([UploadNotice(source: .tusd, path: path, template: template, key: "tusd:" + id, overrides: nil)])
    }

    /// An S3 / MinIO bucket notification: each `ObjectCreated:*` record enqueues `<bucket>/<key>` (the key
    /// URL-decoded, `+` meaning a space) under the upload root; other events are ignored.
    static func s3(_ object: [String: Any], template: String) throws -> HookPayload {  // third-party JSON (S3 event)
        guard let records = object["Records"] as? [[String: Any]] else {  // third-party JSON (S3 event)
            throw HookError.malformed("'Records' must be an array of objects")
        }
        var notices: [UploadNotice] = []
        var ignored: [String] = []
        for (index, record) in records.enumerated() {
            guard let name = record["eventName"] as? String else {
                throw HookError.malformed("Records[\(index)].eventName must be a string")
            }
            // AWS writes `ObjectCreated:Put`, MinIO `s3:ObjectCreated:Put`.
            guard name.hasPrefix("ObjectCreated:") || name.hasPrefix("s3:ObjectCreated:") else {
                ignored.append(name)
                continue
            }
            guard let s3 = record["s3"] as? [String: Any],  // third-party JSON (S3 event)
                let bucket = (s3["bucket"] as? [String: Any])?["name"] as? String, !bucket.isEmpty,  // third-party JSON (S3 event)
                let object = s3["object"] as? [String: Any], let rawKey = object["key"] as? String, !rawKey.isEmpty  // third-party JSON (S3 event)
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
            let version = (object["versionId"] as? String) ?? (object["eTag"] as? String) ?? (object["sequencer"] as? String) ?? ""
            notices.append(UploadNotice(source: .s3, path: bucket + "/" + key, template: template,
                                        key: "s3:\(bucket)/\(key)" + (version.isEmpty ? "" : "#" + version), overrides: nil))
        }
        if notices.isEmpty { return .ignored(ignored.isEmpty ? "no records" : "S3 " + ignored.joined(separator: ", ")) }
        return .uploads(notices)
    }
}
