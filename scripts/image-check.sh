#!/usr/bin/env bash
# The image, built and run as shipped: builds the Dockerfile with ../shared/tools/local-image.sh (buildah, chroot
# isolation, base images made locally from Debian's packages; no Docker engine, no registry), then runs it as
# uid 10001:
#   1. the image's configuration: numeric USER, VOLUME, EXPOSE 8080, STOPSIGNAL, HEALTHCHECK, OCI licence label,
#      the shared locations in the environment, SWIFT_BACKTRACE;
#   2. `mediaworker --version` prints the version stamped from this checkout;
#   3. `mediaworker verify` on the samples the image ships;
#   4. `serve --work` on a data folder mounted at /var/lib/mediaworker, secrets from the environment: a sample
#      upload copied into the upload folder, a signed hook delivery for it, the job succeeds, every output is
#      fetched through the API and matches the sha256 result.json gives; /metrics has the HTTP metrics;
#   5. `mediaworker healthcheck` from a second container: 0 against /healthz and /readyz, 1 against a closed port;
#   6. SIGTERM while a second job's attempt runs: the server ends within --grace-seconds (plus 5 s), and the job
#      is not left `running` (finished, or its lease released).
# Needs root (buildah). Prints the time of each step. KEEP_IMAGE=1 keeps the image (localhost/mediaworker:check).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TOOL=${LOCAL_IMAGE:-$ROOT/../shared/tools/local-image.sh}
[[ -f $TOOL ]] || { echo "image-check: $TOOL not found (the shared tools folder beside the repository)" >&2; exit 1; }
TAG=localhost/mediaworker:check
GRACE=5
export STORAGE_DRIVER=vfs BUILDAH_ISOLATION=chroot
# HEALTHCHECK is part of the Docker image format only (OCI has no field for it): build that format.
export BUILDAH_FORMAT=docker

WORK=$(mktemp -d /tmp/mediaworker-image-check.XXXXXX)
SERVER_PID=""
cleanup() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
  if [[ ${KEEP_IMAGE:-0} != 1 ]]; then buildah rmi -f "$TAG" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
START=$(date +%s)
step() { echo "image-check: [$(( $(date +%s) - START )) s] $*" >&2; }
fail() { echo "image-check: FAIL: $*" >&2; exit 1; }

step "build ($TAG)"
scripts/stamp-version.sh
VERSION=$(sed -n 's/^#define MW_BUILD_VERSION "\(.*\)"$/\1/p' Sources/CBuildInfo/generated/build_version.h)
buildah rmi -f "$TAG" >/dev/null 2>&1 || true
BUILD_START=$(date +%s)
bash "$TOOL" build -t "$TAG" . >"$WORK/build.log" 2>&1 || { tail -60 "$WORK/build.log" >&2; fail "the image did not build"; }
BUILD_SECONDS=$(( $(date +%s) - BUILD_START ))
grep -E "^\| |PASS|FAIL|checks" "$WORK/build.log" | tail -3 >&2 || true
SIZE=$(buildah images --format '{{.Size}}' "$TAG" | head -1)
step "built in ${BUILD_SECONDS} s, image size $SIZE"

step "configuration"
buildah inspect --type image "$TAG" >"$WORK/inspect.json"
python3 - "$WORK/inspect.json" <<'EOF'
import json, sys
image = json.load(open(sys.argv[1]))
config = image["Docker"]["config"]
problems = []
def want(ok, what):
    if not ok: problems.append(what)
want(config.get("User") == "10001:10001", f"USER is {config.get('User')!r}, not 10001:10001")
want("/var/lib/mediaworker" in (config.get("Volumes") or {}), "no VOLUME /var/lib/mediaworker")
want("8080/tcp" in (config.get("ExposedPorts") or {}), "8080 is not EXPOSEd")
want(config.get("StopSignal") == "SIGTERM", f"STOPSIGNAL is {config.get('StopSignal')!r}")
check = (config.get("Healthcheck") or {}).get("Test") or []
want(check[:3] == ["CMD", "mediaworker", "healthcheck"], f"HEALTHCHECK is {check!r}")
want(config.get("Entrypoint") == ["mediaworker"] and config.get("Cmd") == ["serve"], "ENTRYPOINT/CMD are not mediaworker serve")
labels = config.get("Labels") or {}
want(labels.get("org.opencontainers.image.licenses") == "GPL-2.0-or-later", "no GPL licence label")
env = dict(item.split("=", 1) for item in config.get("Env") or [])
for name, value in {"MEDIAWORKER_QUEUE": "sqlite:/var/lib/mediaworker/queue.sqlite",
                    "MEDIAWORKER_INPUT_ROOT": "/var/lib/mediaworker/uploads",
                    "MEDIAWORKER_OUTPUT_ROOT": "/var/lib/mediaworker/outputs",
                    "MEDIAWORKER_LISTEN": "0.0.0.0:8080"}.items():
    want(env.get(name) == value, f"{name} is {env.get(name)!r}, not {value!r}")
want(env.get("SWIFT_BACKTRACE", "").startswith("enable=yes"), "SWIFT_BACKTRACE is not set")
if problems:
    sys.exit("image-check: FAIL: " + "; ".join(problems))
print("image-check: user 10001:10001, volume, port 8080, SIGTERM, healthcheck, GPL label, locations: ok", file=sys.stderr)
EOF

run() { bash "$TOOL" run "$TAG" --user 10001 "$@"; }

step "--version"
got=$(run -- mediaworker --version)
[[ $got == "$VERSION" ]] || fail "mediaworker --version printed '$got', expected '$VERSION'"
echo "image-check: mediaworker --version: $got" >&2

step "verify the samples as uid 10001"
run -- mediaworker verify /usr/local/share/mediaworker/samples >"$WORK/verify.txt" 2>&1 || { tail -30 "$WORK/verify.txt" >&2; fail "verify"; }
tail -1 "$WORK/verify.txt" >&2

step "serve --work"
DATA=$WORK/data
mkdir -p "$DATA/uploads/campaign"
cp samples/portrait-9x16-rotated.mp4 samples/campaign-16x9.mp4 "$DATA/uploads/campaign/"
chown -R 10001:10001 "$DATA"
chmod 0750 "$DATA"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
HOOK_SECRET=$(openssl rand -hex 32)
TOKEN=$(openssl rand -hex 24)
# The host's network: listen on the loopback (the image's own default, 0.0.0.0:8080, is checked above).
run --env "MEDIAWORKER_HOOK_SECRET=$HOOK_SECRET" --env "MEDIAWORKER_OPERATOR_TOKEN=$TOKEN" \
    --env "MEDIAWORKER_LISTEN=127.0.0.1:$PORT" --volume "$DATA:/var/lib/mediaworker" \
    -- mediaworker serve --work --grace-seconds "$GRACE" >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!

export BASE="http://127.0.0.1:$PORT" HOOK_SECRET TOKEN
python3 - "$WORK/second-job" <<'EOF'
import hashlib, json, os, sys, time
sys.path.insert(0, "scripts")
from mwclient import Client, fail
client = Client(os.environ["BASE"], os.environ["HOOK_SECRET"], os.environ["TOKEN"], "image-check")
client.wait_up()
# An unsigned delivery is refused.
status, _, _ = client.call("/hooks/upload", b'{"input":"campaign/portrait-9x16-rotated.mp4"}',
                           {"Content-Type": "application/json"}, auth=False)
if status != 401:
    fail("image-check", f"an unsigned delivery answered {status}, not 401")

# One small rendition and two thumbnails from the portrait sample (rotated): a real encode, in seconds.
job = client.deliver({"input": "campaign/portrait-9x16-rotated.mp4", "template": "social", "key": "image-check-1",
                      "overrides": {"renditions": [{"name": "small", "width": 360, "height": 640, "fit": "blur",
                                                    "preset": "veryfast", "crf": 28}],
                                    "thumbnails": {"count": 2, "width": 160, "contact_sheet": False}}})
print(f"image-check: hook delivery: job {job}", file=sys.stderr)
outputs = client.wait_state(job, ["succeeded"])["outputs"]
if not any(o["file"].endswith(".mp4") for o in outputs) or sum(o["file"].endswith(".png") for o in outputs) != 2:
    fail("image-check", f"unexpected outputs: {[o['file'] for o in outputs]}")
for output in outputs:
    status, _, data = client.call(output["url"])
    if status != 200:
        fail("image-check", f"{output['url']} answered {status}")
    if hashlib.sha256(data).hexdigest() != output["sha256"] or len(data) != output["bytes"]:
        fail("image-check", f"{output['file']}: the {len(data)} bytes fetched do not match result.json")
    magic = {"mp4": b"ftyp", "png": b"\x89PNG"}[output["file"].rsplit(".", 1)[1]]
    if magic not in data[:16]:
        fail("image-check", f"{output['file']} is not what its name says")
print(f"image-check: job {job} succeeded; fetched {', '.join(o['file'] for o in outputs)} through the API (sha256 match)",
      file=sys.stderr)

text = client.call("/metrics", auth=False)[2].decode()
for needle in ['mediaworker_http_requests_total{route="/api/jobs/{id}",method="GET",status="200"}',
               'mediaworker_http_request_duration_seconds_bucket{route="/hooks/upload"',
               'mediaworker_attempts_total{outcome="succeeded"} 1', 'mediaworker_jobs{state="succeeded"} 1']:
    if needle not in text:
        fail("image-check", f"/metrics lacks {needle}")

# A longer job (the whole social template on the campaign clip), to be running when SIGTERM comes.
second = client.deliver({"input": "campaign/campaign-16x9.mp4", "template": "social", "key": "image-check-2"})
client.wait_state(second, ["running"], seconds=60, fail_on=("succeeded", "failed", "dead", "cancelled"))
open(sys.argv[1], "w").write(second)
EOF
SECOND=$(cat "$WORK/second-job")

step "healthcheck from a second container"
run -- mediaworker healthcheck "http://127.0.0.1:$PORT/healthz" || fail "healthcheck of /healthz"
run -- mediaworker healthcheck "http://127.0.0.1:$PORT/readyz" || fail "healthcheck of /readyz"
CLOSED=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# (buildah adds its own lines about the non-zero exit: only mediaworker's is shown.)
if run -- mediaworker healthcheck --timeout 2 "http://127.0.0.1:$CLOSED/healthz" >"$WORK/closed.txt" 2>&1; then
  fail "healthcheck of a closed port exited 0"
fi
grep -q "mediaworker: healthcheck: .*cannot connect" "$WORK/closed.txt" || { cat "$WORK/closed.txt" >&2; fail "healthcheck of a closed port: no reason given"; }
echo "image-check: healthcheck: /healthz and /readyz 0, a closed port 1 ($(grep -o 'mediaworker: healthcheck: .*' "$WORK/closed.txt" | cut -c1-120)…)" >&2

step "SIGTERM while job $SECOND runs (--grace-seconds $GRACE)"
# `buildah run` starts the command as its descendant (chroot isolation: same PID namespace): find the server.
descendants() { # every process below $1, from the PPid lines of /proc/*/status
  local p
  for p in $(awk -v parent="$1" '$1 == "PPid:" && $2 == parent { split(FILENAME, part, "/"); print part[3] }' /proc/[0-9]*/status 2>/dev/null); do
    echo "$p"; descendants "$p"
  done
}
SERVE=""
for p in $(descendants "$SERVER_PID"); do
  if [[ $(cat /proc/"$p"/comm 2>/dev/null) == mediaworker ]] && tr '\0' ' ' </proc/"$p"/cmdline | grep -q ' serve '; then SERVE=$p; break; fi
done
[[ -n $SERVE ]] || fail "the serve process was not found under buildah run ($SERVER_PID)"
T0=$(date +%s.%N)
kill -TERM "$SERVE"
while kill -0 "$SERVE" 2>/dev/null; do
  sleep 0.1
  python3 -c "import sys; sys.exit(0 if $(date +%s.%N) - $T0 < $GRACE + 30 else 1)" || fail "serve still runs 30 s past its grace"
done
STOP=$(python3 -c "print(round($(date +%s.%N) - $T0, 1))")
status=0; wait "$SERVER_PID" || status=$?
SERVER_PID=""
[[ $status == 0 ]] || { tail -20 "$WORK/serve.log" >&2; fail "serve exited $status after SIGTERM"; }
python3 -c "import sys; sys.exit(0 if $STOP <= $GRACE + 5 else 1)" || fail "serve took $STOP s to stop (grace $GRACE s)"
state=$(run --volume "$DATA:/var/lib/mediaworker" -- mediaworker jobs show "$SECOND" --json \
        | python3 -c 'import json, sys; print(json.load(sys.stdin)["job"]["state"])')
[[ $state != running ]] || fail "job $SECOND was left running after the shutdown"
echo "image-check: serve stopped ${STOP} s after SIGTERM (grace ${GRACE} s), exit 0; job $SECOND is $state" >&2

step "passed (image build ${BUILD_SECONDS} s, size $SIZE)"
