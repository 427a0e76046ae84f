"""A small client for a running `mediaworker serve`, shared by the check scripts (image-check.sh,
serve-check.sh): signed hook deliveries (Mediaworker-Signature, as the README's copy-paste example), the
operators' API with the bearer token, waiting for a job's state. Standard library only."""
import hashlib, hmac, json, sys, time, urllib.error, urllib.request


def fail(prefix, message):
    sys.exit(f"{prefix}: FAIL: {message}")


class Client:
    def __init__(self, base, hook_secret, token, name="check"):
        self.base, self.secret, self.token, self.name = base.rstrip("/"), hook_secret, token, name

    def call(self, path, body=None, headers=None, auth=True, method=None):
        """(status, headers, body bytes) of one request; HTTP errors are answers, not exceptions."""
        request = urllib.request.Request(self.base + path, data=body, headers=dict(headers or {}),
                                         method=method or ("POST" if body is not None else "GET"))
        if auth:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def json(self, path):
        status, _, body = self.call(path)
        if status != 200:
            fail(self.name, f"{path} answered {status}: {body[:300]!r}")
        return json.loads(body)

    def wait_up(self, seconds=60):
        deadline = time.time() + seconds
        while True:
            try:
                if self.call("/healthz", auth=False)[0] == 200:
                    return
            except OSError:
                pass
            if time.time() > deadline:
                fail(self.name, f"{self.base} did not answer /healthz within {seconds} s")
            time.sleep(0.3)

    def signed(self, payload):
        """A body and its headers, signed with the hook secret."""
        body = json.dumps(payload).encode()
        t = str(int(time.time()))
        v1 = hmac.new(self.secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
        return body, {"Content-Type": "application/json", "Mediaworker-Signature": f"t={t},v1={v1}"}

    def deliver(self, payload, expect=202):
        body, headers = self.signed(payload)
        status, _, answer = self.call("/hooks/upload", body, headers, auth=False)
        if status != expect:
            fail(self.name, f"hook delivery answered {status}, not {expect}: {answer[:300]!r}")
        return json.loads(answer)["job"]

    def wait_state(self, job, states, seconds=300, fail_on=("failed", "dead", "cancelled")):
        """Polls the job until its state is one of `states`; fails on one of `fail_on` or at the deadline."""
        deadline = time.time() + seconds
        while True:
            detail = self.json(f"/api/jobs/{job}")
            state = detail["job"]["state"]
            if state in states:
                return detail
            if state in fail_on or time.time() > deadline:
                errors = [a.get("error") for a in detail["attempts"]]
                fail(self.name, f"job {job} is {state} (waiting for {'/'.join(states)}): {errors}")
            time.sleep(0.3)
