#!/usr/bin/env python3
"""The dashboard in a real browser: headless Chromium (Debian's `chromium`) driven over the DevTools protocol.

    MEDIAWORKER_OPERATOR_TOKEN=... scripts/dashboard-browser-check.py http://127.0.0.1:8080 [--screenshots DIR]

Needs a running `mediaworker serve` whose queue holds a succeeded job with thumbnails and a failed or dead job
(found through the API). Signs in through the form, finds both rows and their states on the list, checks every
<img> of the succeeded job's page loaded (naturalWidth > 0), clicks Retry on the failed job's row, and checks
through the API that the job is queued again. Exits non-zero on the first failed check.
Packages: apt-get install chromium; pip install websocket-client. Talks to the given URL only.
"""
import argparse, base64, json, os, shutil, subprocess, sys, tempfile, time, urllib.request

import websocket  # websocket-client


def fail(message):
    print(f"dashboard-browser-check: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def api(base, token, path):
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


class Browser:
    def __init__(self, port, profile):
        self.process = subprocess.Popen(
            [shutil.which("chromium") or "chromium", "--headless=new", "--no-sandbox", "--disable-gpu",
             f"--remote-debugging-port={port}", f"--user-data-dir={profile}", "--window-size=1280,900", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while True:
            try:
                targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json", timeout=2))
                break
            except OSError:
                if time.time() > deadline:
                    fail("chromium did not open its DevTools port")
                time.sleep(0.2)
        page = next(t for t in targets if t["type"] == "page")
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30)
        self.next_id = 0
        self.call("Page.enable")
        self.call("Runtime.enable")

    def call(self, method, **params):
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    fail(f"{method}: {message['error']}")
                return message.get("result", {})

    def js(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        return result.get("result", {}).get("value")

    def wait_for(self, expression, what, seconds=15):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.js(expression):
                return
            time.sleep(0.2)
        fail(f"timed out waiting for {what}")

    def open(self, url):
        self.call("Page.navigate", url=url)
        self.wait_for("document.readyState === 'complete' && location.href !== 'about:blank'", url)

    def screenshot(self, path):
        with open(path, "wb") as f:
            f.write(base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"]))

    def close(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("--screenshots")
    parser.add_argument("--port", type=int, default=9333)
    args = parser.parse_args()
    base, token = args.base.rstrip("/"), os.environ.get("MEDIAWORKER_OPERATOR_TOKEN", "")
    if not token:
        fail("MEDIAWORKER_OPERATOR_TOKEN is not set")
    def jobs(state):
        return api(base, token, f"/api/jobs?state={state}&limit=500")["jobs"]
    done = next((j for j in jobs("succeeded")
                 if any(o["kind"] == "thumbnail" for o in api(base, token, f"/api/jobs/{j['id']}")["outputs"])), None)
    broken = next(iter(jobs("failed") + jobs("dead")), None)
    if not done or not broken:
        fail("the queue needs a succeeded job with thumbnails and a failed or dead job")

    profile = tempfile.mkdtemp(prefix="mw-browser-")
    browser = Browser(args.port, profile)
    try:
        browser.open(base + "/")
        if browser.js("location.pathname") != "/login":
            fail("signed out, / did not lead to /login")
        browser.js(f"document.querySelector('input[name=token]').value = {json.dumps(token)};"
                   "document.querySelector('form.login').submit()")
        browser.wait_for("location.pathname === '/' && !!document.querySelector('table.jobs')", "the job list")
        for job in (done, broken):
            browser.open(f"{base}/?state={job['state']}")
            state = browser.js(f"(document.querySelector('tr[data-job=\"{job['id']}\"]') || {{dataset: {{}}}}).dataset.state")
            if state != job["state"]:
                fail(f"row of {job['id']}: state {state!r}, the API says {job['state']!r}")
        if args.screenshots:
            browser.screenshot(os.path.join(args.screenshots, "list.png"))

        browser.open(f"{base}/jobs/{done['id']}")
        browser.wait_for("[...document.images].length > 0 && [...document.images].every(i => i.complete)", "images")
        widths = browser.js("[...document.images].map(i => i.naturalWidth)")
        if not widths or min(widths) <= 0:
            fail(f"images of {done['id']} did not load: natural widths {widths}")
        if args.screenshots:
            browser.screenshot(os.path.join(args.screenshots, "job.png"))

        browser.open(f"{base}/?state={broken['state']}")
        clicked = browser.js(f"(b => b ? (b.click(), true) : false)(document.querySelector('tr[data-job=\"{broken['id']}\"] button.retry'))")
        if not clicked:
            fail(f"no Retry button on the row of {broken['id']}")
        browser.wait_for("!!document.querySelector('.notice')", "the notice after Retry")
        state = api(base, token, f"/api/jobs/{broken['id']}")["job"]["state"]
        if state != "queued":
            fail(f"after Retry, {broken['id']} is {state}, not queued")
    finally:
        browser.close()
        shutil.rmtree(profile, ignore_errors=True)
    print(f"dashboard-browser-check: ok (signed in; rows of {done['id']} and {broken['id']}; "
          f"{len(widths)} images loaded; Retry queued {broken['id']} again)")


if __name__ == "__main__":
    main()
