#!/usr/bin/env python3
"""The dashboard in a real browser: headless Chromium driven by selenium through Debian's chromedriver.

    MEDIAWORKER_OPERATOR_TOKEN=... scripts/dashboard-browser-check.py http://127.0.0.1:8080 [--screenshots DIR]

Needs a running `mediaworker serve` whose queue holds a succeeded job with thumbnails and a failed or dead job
(found through the API). Signs in through the form, finds both rows and their states on the list, checks every
<img> of the succeeded job's page loaded (naturalWidth > 0), clicks Retry on the failed job's row, and checks
through the API that the job is queued again. Exits non-zero on the first failed check.
Packages: apt-get install chromium chromium-driver; pip install selenium. Talks to the given URL only
(selenium is pointed at Debian's driver and browser, so it downloads nothing). scripts/serve-check.sh runs it
in CI against a real `serve --work`.
"""
import argparse, json, os, sys, urllib.request

os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager look for drivers online

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def fail(message):
    print(f"dashboard-browser-check: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def api(base, token, path):
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("--screenshots")
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

    driver = browser()
    wait = WebDriverWait(driver, 20)

    def until(condition, what):
        try:
            return wait.until(lambda d: condition(d))
        except TimeoutException:
            fail(f"timed out waiting for {what} (at {driver.current_url})")

    def row_state(job_id):
        rows = driver.find_elements(By.CSS_SELECTOR, f'tr[data-job="{job_id}"]')
        return rows[0].get_attribute("data-state") if rows else None

    try:
        driver.get(base + "/")
        until(lambda d: d.execute_script("return location.pathname") == "/login", "signed out, / leading to /login")
        driver.find_element(By.CSS_SELECTOR, "input[name=token]").send_keys(token)
        driver.find_element(By.CSS_SELECTOR, "form.login").submit()
        until(lambda d: d.execute_script("return location.pathname") == "/"
              and d.find_elements(By.CSS_SELECTOR, "table.jobs"), "the job list after signing in")
        for job in (done, broken):
            driver.get(f"{base}/?state={job['state']}")
            state = row_state(job["id"])
            if state != job["state"]:
                fail(f"row of {job['id']}: state {state!r}, the API says {job['state']!r}")
        if args.screenshots:
            driver.save_screenshot(os.path.join(args.screenshots, "list.png"))

        driver.get(f"{base}/jobs/{done['id']}")
        until(lambda d: d.execute_script(
            "return document.images.length > 0 && [...document.images].every(i => i.complete)"), "the job's images")
        widths = driver.execute_script("return [...document.images].map(i => i.naturalWidth)")
        if not widths or min(widths) <= 0:
            fail(f"images of {done['id']} did not load: natural widths {widths}")
        if args.screenshots:
            driver.save_screenshot(os.path.join(args.screenshots, "job.png"))

        driver.get(f"{base}/?state={broken['state']}")
        buttons = driver.find_elements(By.CSS_SELECTOR, f'tr[data-job="{broken["id"]}"] button.retry')
        if not buttons:
            fail(f"no Retry button on the row of {broken['id']}")
        buttons[0].click()
        until(lambda d: d.find_elements(By.CSS_SELECTOR, ".notice"), "the notice after Retry")
        # Queued again — or, with a worker running beside the server, already claimed (running) or failed once
        # more: then its attempt count went up.
        after = api(base, token, f"/api/jobs/{broken['id']}")["job"]
        if after["state"] not in ("queued", "running") and after["attempts"] <= broken["attempts"]:
            fail(f"after Retry, {broken['id']} is {after['state']} with no new attempt")
        if args.screenshots:
            driver.save_screenshot(os.path.join(args.screenshots, "retried.png"))
    finally:
        driver.quit()
    print(f"dashboard-browser-check: ok (signed in; rows of {done['id']} and {broken['id']}; "
          f"{len(widths)} images loaded; Retry queued {broken['id']} again)")


if __name__ == "__main__":
    main()
