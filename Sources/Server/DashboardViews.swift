/// The dashboard pages' view models: what each Mustache template shows, as typed values (swift-mustache reads
/// their properties by name). A page's template is wrapped in `{{#chrome}}…{{/chrome}}`, so the header partial
/// finds its fields on `chrome` and everything else falls through to the page; the job page's body is inside
/// `{{#job}}…{{/job}}` the same way. An optional that is nil is an absent field (a section not shown).

/// What the header partial shows on every page.
struct Chrome {
    var title: String
    var signedIn = false
    /// The session's CSRF token, for every form on the page.
    var csrf: String?
    /// A one-off notice after an action ("Job … queued again.").
    var notice: String?
}

struct LoginPage {
    var chrome: Chrome
    var failed: Bool
    var loginCSRF: String
}

struct ErrorPage {
    var chrome: Chrome
    var message: String
    var back: String
}

struct IndexPage {
    struct StateCount {
        var state: String
        var count: Int
        var selected: Bool
    }

    var chrome: Chrome
    var filter: String?
    var total: Int
    var counts: [StateCount]
    var retryableCount: Int
    var hasRetryable: Bool
    var jobs: [JobRow]
    var truncated: String?
    var refresh: Int?
    var refreshURL: String?
}

/// A job as a table row (also the top of the job page).
struct JobRow {
    var id: String
    var state: String
    var attempts: Int
    var maxAttempts: Int
    var input: String
    var updated: String
    var error: String
    var hasError: Bool
    var hasProgress: Bool
    var percent: Int
    var cancelRequested: Bool
    var canRetry: Bool
    /// The list offers Retry where something went wrong; the job page also offers running a success again.
    var canRetryFromList: Bool
    var retryLabel: String
}

struct JobPage {
    struct Thumbnail {
        var url: String
        var name: String
        var width: Int
        var height: Int
        var time: String?
    }
    struct Picture {
        var url: String
        var width: Int
        var height: Int
    }
    struct Output {
        var url: String
        var file: String
        var kind: String
        var size: String
        var picture: String
        var duration: String
        var sha256: String
        var shortHash: String
        var platform: String
    }
    struct Finding {
        struct Violation {
            var rule: String
            var message: String
        }
        var output: String
        var platform: String
        var violations: [Violation]
    }
    struct Attempt {
        var attempt: Int
        var worker: String
        var started: String
        var ended: String
        var outcome: String
        var progress: String
        var error: String
        var latest: Bool
        var logTail: String?
    }

    var chrome: Chrome
    var job: JobRow
    var key: String
    var created: String
    var finished: String?
    var canCancel: Bool
    var template: String
    var spec: String
    /// A still job's renditions (JPEG or PNG), shown as pictures, and what was done to its input.
    var images: [Thumbnail]
    var hasImages: Bool
    var stillNote: String?
    var thumbnails: [Thumbnail]
    var hasThumbnails: Bool
    var contactSheet: Picture?
    var outputs: [Output]
    var hasOutputs: Bool
    var findings: [Finding]
    var hasFindings: Bool
    var attemptRows: [Attempt]
    var hasAttempts: Bool
    var refresh: Int?
    var refreshURL: String?
}
