import Mustache

/// The dashboard's Mustache templates, compiled into the binary (no resource files to ship next to it).
/// `{{x}}` escapes HTML; nothing here uses the unescaped `{{{x}}}`.
struct DashboardTemplates: Sendable {
    let library: MustacheLibrary

    init() throws {
        var library = MustacheLibrary()
        try library.register(Self.head, named: "head")
        try library.register(Self.foot, named: "foot")
        try library.register(Self.login, named: "login")
        try library.register(Self.index, named: "index")
        try library.register(Self.job, named: "job")
        try library.register(Self.error, named: "error")
        self.library = library
    }

    /// Renders a page's view model (``LoginPage``, ``IndexPage``, ``JobPage``, ``ErrorPage``).
    func render(_ name: String, _ page: Any) -> String {
        // Every name passed here is registered above.
        library.render(page, withTemplate: name) ?? "template \(name) missing"
    }

    static let head = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        {{#refresh}}<meta http-equiv="refresh" content="{{refresh}}; url={{refreshURL}}">{{/refresh}}
        <title>{{title}} · mediaworker</title>
        <style>
        :root { --fg:#1d2330; --muted:#5f6b7a; --line:#dfe3ea; --bg:#f6f7f9; --accent:#1f5fbf; }
        * { box-sizing: border-box; }
        body { margin:0; font:15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color:var(--fg); background:var(--bg); }
        header { display:flex; align-items:center; justify-content:space-between; padding:.6rem 1.5rem; background:#1d2330; color:#fff; }
        header a.brand { color:#fff; font-weight:700; text-decoration:none; letter-spacing:.02em; }
        main { max-width:1320px; margin:0 auto; padding:1rem 1.5rem 3rem; }
        h1 { font-size:1.4rem; margin:.6rem 0 1rem; } h2 { font-size:1.1rem; margin:1.8rem 0 .6rem; }
        a { color:var(--accent); } code, pre, .mono { font-family:"DejaVu Sans Mono", ui-monospace, monospace; font-size:.86rem; }
        pre { background:#fff; border:1px solid var(--line); border-radius:6px; padding:.7rem; overflow:auto; max-height:24rem; white-space:pre-wrap; word-break:break-all; }
        table { width:100%; border-collapse:collapse; background:#fff; border:1px solid var(--line); border-radius:6px; }
        th, td { text-align:left; padding:.45rem .6rem; border-bottom:1px solid var(--line); vertical-align:top; }
        th { font-size:.8rem; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); background:#fafbfc; }
        tr:last-child td { border-bottom:0; }
        .counts { display:flex; flex-wrap:wrap; gap:.5rem; margin-bottom:1rem; }
        .count { display:flex; flex-direction:column; min-width:6.5rem; padding:.5rem .8rem; background:#fff; border:1px solid var(--line); border-radius:6px; text-decoration:none; color:var(--fg); }
        .count .n { font-size:1.5rem; font-weight:700; } .count.selected { border-color:var(--accent); box-shadow:0 0 0 2px var(--accent) inset; }
        .state { display:inline-block; padding:.05rem .5rem; border-radius:999px; font-size:.8rem; font-weight:600; background:#e8ebf0; }
        .state-queued { background:#e4ecfb; color:#1f4f99; } .state-running { background:#fff1cc; color:#7a5400; }
        .state-succeeded { background:#dff3e4; color:#1b6b34; } .state-failed { background:#fde2d2; color:#8a3a0c; }
        .state-dead { background:#f8d7da; color:#842029; } .state-cancelled { background:#e9e9ee; color:#555; }
        .bar { display:flex; gap:.5rem; align-items:center; margin:0 0 1rem; }
        button { font:inherit; padding:.35rem .9rem; border-radius:5px; border:1px solid #2b5fb3; background:var(--accent); color:#fff; cursor:pointer; }
        button.secondary { background:#fff; color:#8a1c1c; border-color:#c98b8b; } button[disabled] { opacity:.45; cursor:default; }
        header button.link { background:none; border:0; color:#cfd6e4; padding:0; text-decoration:underline; }
        form.inline { display:inline; margin:0; }
        .notice { padding:.6rem .9rem; background:#e7f1ff; border:1px solid #b6d0f5; border-radius:6px; }
        .error { color:#842029; } p.error { padding:.6rem .9rem; background:#fdecee; border:1px solid #f2b8bf; border-radius:6px; }
        td.error { max-width:14rem; overflow:hidden; text-overflow:ellipsis; white-space:nowrap; font-size:.86rem; }
        .nowrap { white-space:nowrap; } .scroll { overflow-x:auto; } table.jobs a.mono { font-size:.8rem; }
        .muted { color:var(--muted); } .empty { text-align:center; color:var(--muted); padding:1.5rem; }
        progress { width:7rem; vertical-align:middle; } table.jobs progress { width:4.5rem; }
        dl.facts { display:grid; grid-template-columns:max-content 1fr; gap:.25rem 1rem; background:#fff; border:1px solid var(--line); border-radius:6px; padding:.8rem 1rem; }
        dl.facts dt { color:var(--muted); } dl.facts dd { margin:0; }
        .actions { display:flex; gap:.5rem; margin:1rem 0; }
        .thumbs { display:flex; flex-wrap:wrap; gap:.8rem; }
        .thumbs figure { margin:0; background:#fff; border:1px solid var(--line); border-radius:6px; padding:.4rem; }
        .thumbs img { display:block; width:220px; height:auto; background:#000; }
        .thumbs.images img { width:auto; height:200px; background:repeating-conic-gradient(#ddd 0 25%, #fff 0 50%) 0 0/16px 16px; }
        .thumbs figcaption { font-size:.8rem; color:var(--muted); padding-top:.3rem; }
        img.sheet { max-width:100%; height:auto; border:1px solid var(--line); border-radius:6px; background:#000; }
        form.login { display:flex; flex-direction:column; gap:.8rem; max-width:24rem; background:#fff; border:1px solid var(--line); border-radius:6px; padding:1.2rem; }
        form.login input { font:inherit; padding:.4rem; width:100%; margin-top:.3rem; border:1px solid #b9c1cd; border-radius:4px; }
        details { margin:.5rem 0; } summary { cursor:pointer; }
        </style>
        </head>
        <body>
        <header><a class="brand" href="/">mediaworker</a>{{#signedIn}}<form class="inline" method="post" action="/logout"><input type="hidden" name="csrf" value="{{csrf}}"><button class="link">Sign out</button></form>{{/signedIn}}</header>
        <main>
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}

        """

    static let foot = """
        </main>
        </body>
        </html>

        """

    static let login = """
        {{#chrome}}
        {{> head}}
        <h1>Sign in</h1>
        {{#failed}}<p class="error" role="alert">That is not the operator token.</p>{{/failed}}
        <form class="login" method="post" action="/login">
        <input type="hidden" name="csrf" value="{{loginCSRF}}">
        <label>Operator token<input type="password" name="token" autocomplete="current-password" required autofocus></label>
        <button type="submit">Sign in</button>
        </form>
        <p class="muted">The token is the server's MEDIAWORKER_OPERATOR_TOKEN.</p>
        {{> foot}}
        {{/chrome}}
        """

    static let index = """
        {{#chrome}}
        {{> head}}
        <h1>Jobs{{#filter}} · {{filter}}{{/filter}}</h1>
        <nav class="counts" aria-label="Jobs per state">
        <a class="count{{^filter}} selected{{/filter}}" href="/"><span class="n">{{total}}</span>all</a>
        {{#counts}}<a class="count state-count-{{state}}{{#selected}} selected{{/selected}}" href="/?state={{state}}" data-state="{{state}}"><span class="n">{{count}}</span>{{state}}</a>
        {{/counts}}
        </nav>
        <form class="bar" method="post" action="/jobs/retry-failed">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit" id="retry-all"{{^hasRetryable}} disabled{{/hasRetryable}}>Retry all failed ({{retryableCount}})</button>
        {{#refresh}}<span class="muted">Refreshing every {{refresh}} s while jobs are queued or running.</span>{{/refresh}}
        </form>
        <div class="scroll"><table class="jobs">
        <thead><tr><th>Job</th><th>State</th><th>Progress</th><th>Attempts</th><th>Input</th><th>Updated (UTC)</th><th>Last error</th><th></th></tr></thead>
        <tbody>
        {{#jobs}}<tr data-job="{{id}}" data-state="{{state}}">
        <td><a class="mono" href="/jobs/{{id}}">{{id}}</a></td>
        <td><span class="state state-{{state}}">{{state}}</span>{{#cancelRequested}} <span class="muted">cancel requested</span>{{/cancelRequested}}</td>
        <td class="nowrap">{{#hasProgress}}<progress max="100" value="{{percent}}">{{percent}}%</progress> {{percent}}%{{/hasProgress}}</td>
        <td class="nowrap">{{attempts}} / {{maxAttempts}}</td>
        <td class="mono">{{input}}</td>
        <td class="nowrap">{{updated}}</td>
        <td class="error" title="{{error}}">{{error}}</td>
        <td>{{#canRetryFromList}}<form class="inline" method="post" action="/jobs/{{id}}/retry?back=list"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" class="retry">Retry</button></form>{{/canRetryFromList}}</td>
        </tr>
        {{/jobs}}
        {{^jobs}}<tr><td colspan="8" class="empty">No jobs{{#filter}} in state {{filter}}{{/filter}}.</td></tr>{{/jobs}}
        </tbody>
        </table></div>
        {{#truncated}}<p class="muted">{{truncated}} Filter by state to narrow the list.</p>{{/truncated}}
        {{> foot}}
        {{/chrome}}
        """

    static let job = """
        {{#chrome}}
        {{> head}}
        {{#job}}
        <p><a href="/">← All jobs</a></p>
        <h1>Job <span class="mono">{{id}}</span> <span class="state state-{{state}}" id="job-state">{{state}}</span></h1>
        <dl class="facts">
        <dt>Input</dt><dd class="mono">{{input}}</dd>
        <dt>Template</dt><dd>{{template}}</dd>
        <dt>Key</dt><dd class="mono">{{key}}</dd>
        <dt>Attempts</dt><dd>{{attempts}} of {{maxAttempts}}</dd>
        <dt>Progress</dt><dd>{{#hasProgress}}<progress max="100" value="{{percent}}">{{percent}}%</progress> {{percent}}%{{/hasProgress}}{{^hasProgress}}<span class="muted">none yet</span>{{/hasProgress}}</dd>
        <dt>Created</dt><dd>{{created}}</dd>
        <dt>Updated</dt><dd>{{updated}}</dd>
        {{#finished}}<dt>Finished</dt><dd>{{finished}}</dd>{{/finished}}
        {{#cancelRequested}}<dt>Cancel</dt><dd>requested; the worker stops at its next heartbeat</dd>{{/cancelRequested}}
        </dl>
        {{#hasError}}<p class="error" role="alert">{{error}}</p>{{/hasError}}
        <div class="actions">
        {{#canRetry}}<form method="post" action="/jobs/{{id}}/retry"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" id="retry">{{retryLabel}}</button></form>{{/canRetry}}
        {{#canCancel}}<form method="post" action="/jobs/{{id}}/cancel"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" id="cancel" class="secondary">Cancel</button></form>{{/canCancel}}
        </div>
        {{#hasImages}}<h2>Images</h2>
        {{#stillNote}}<p class="note">{{stillNote}}</p>{{/stillNote}}
        <div class="thumbs images">{{#images}}<figure><a href="{{url}}"><img src="{{url}}" alt="{{name}}" width="{{width}}" height="{{height}}"></a><figcaption>{{name}}</figcaption></figure>{{/images}}</div>
        {{/hasImages}}
        {{#hasThumbnails}}<h2>Thumbnails</h2>
        <div class="thumbs">{{#thumbnails}}<figure><a href="{{url}}"><img src="{{url}}" alt="{{name}}" width="{{width}}" height="{{height}}"></a><figcaption>{{name}}{{#time}} · {{time}} s{{/time}}</figcaption></figure>{{/thumbnails}}</div>
        {{/hasThumbnails}}
        {{#contactSheet}}<h2>Contact sheet</h2>
        <a href="{{url}}"><img class="sheet" src="{{url}}" alt="contact sheet" width="{{width}}" height="{{height}}"></a>
        {{/contactSheet}}
        <h2>Outputs</h2>
        {{#hasOutputs}}<table class="outputs">
        <thead><tr><th>File</th><th>Kind</th><th>Size</th><th>Picture</th><th>Duration</th><th>Platform</th><th>SHA-256</th></tr></thead>
        <tbody>{{#outputs}}<tr><td><a href="{{url}}">{{file}}</a></td><td>{{kind}}</td><td>{{size}}</td><td>{{picture}}</td><td>{{duration}}</td><td>{{platform}}</td><td class="mono" title="{{sha256}}">{{shortHash}}</td></tr>{{/outputs}}</tbody>
        </table>{{/hasOutputs}}
        {{#hasFindings}}<h2>Platform findings</h2>
        <p class="muted">These outputs were published, but the platform named may refuse them.</p>
        <ul class="findings" id="platform-findings">{{#findings}}{{#violations}}<li><span class="mono">{{output}}</span> · {{platform}} <strong>{{rule}}</strong>: {{message}}</li>{{/violations}}{{/findings}}</ul>
        {{/hasFindings}}
        {{^hasOutputs}}<p class="muted">No outputs published yet.</p>{{/hasOutputs}}
        <h2>Attempts</h2>
        {{#hasAttempts}}<table class="attempts">
        <thead><tr><th>#</th><th>Worker</th><th>Started (UTC)</th><th>Ended</th><th>Outcome</th><th>Progress</th><th>Error</th></tr></thead>
        <tbody>{{#attemptRows}}<tr><td>{{attempt}}</td><td class="mono">{{worker}}</td><td class="nowrap">{{started}}</td><td class="nowrap">{{ended}}</td><td>{{outcome}}</td><td>{{progress}}</td><td class="error" title="{{error}}">{{error}}</td></tr>{{/attemptRows}}</tbody>
        </table>
        {{#attemptRows}}{{#logTail}}<details{{#latest}} open{{/latest}}><summary>Log tail of attempt {{attempt}}</summary><pre>{{logTail}}</pre></details>{{/logTail}}{{/attemptRows}}
        {{/hasAttempts}}
        {{^hasAttempts}}<p class="muted">Not run yet.</p>{{/hasAttempts}}
        <h2>Spec</h2>
        <pre>{{spec}}</pre>
        {{/job}}
        {{> foot}}
        {{/chrome}}
        """

    static let error = """
        {{#chrome}}
        {{> head}}
        <h1>{{title}}</h1>
        <p class="error">{{message}}</p>
        <p><a href="{{back}}">Back</a></p>
        {{> foot}}
        {{/chrome}}
        """
}
