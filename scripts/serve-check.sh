#!/usr/bin/env bash
# A real `mediaworker serve --work` (the build scripts/test.sh made, or MEDIAWORKER_BIN), checked from outside:
#   - scripts/openapi-check.py: /api/openapi.json validated by openapi-spec-validator, and real answers of
#     every operation (and its errors) validated against it;
#   - scripts/dashboard-browser-check.py: the dashboard in headless Chromium through selenium and Debian's
#     chromedriver (sign in, rows and states, the images of a job page, Retry).
# The queue gets a succeeded job (the thumbnails template on the campaign sample, through a signed hook
# delivery), a dead one (an upload that is not a video: refused by the input policy, not retried) and a still:
# the sample phone photo through the default template (five upright images, no thumbnails).
# Installs chromium and chromium-driver (Debian) and selenium and openapi-spec-validator (PyPI) when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
MEDIAWORKER_SETUP_BROWSER=1 scripts/setup.sh
python3 -c 'import selenium, openapi_spec_validator' 2>/dev/null \
  || pip install -q --disable-pip-version-check "selenium==4.51.0" "openapi-spec-validator==0.9.0"
BIN=${MEDIAWORKER_BIN:-$(swift build --show-bin-path)/mediaworker}
[[ -x $BIN ]] || { echo "serve-check: no $BIN (run swift build first)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/mediaworker-serve-check.XXXXXX)
SERVER=""
cleanup() {
  if [[ -n $SERVER ]] && kill -0 "$SERVER" 2>/dev/null; then kill -TERM "$SERVER"; wait "$SERVER" || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/uploads" "$WORK/outputs" "$WORK/screenshots"
cp samples/campaign-16x9.mp4 samples/phone-photo-sideways.jpg "$WORK/uploads/"
printf 'this is not a video\n' >"$WORK/uploads/not-a-video.mp4"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export MEDIAWORKER_HOOK_SECRET=$(openssl rand -hex 32) MEDIAWORKER_OPERATOR_TOKEN=$(openssl rand -hex 24)
export MEDIAWORKER_QUEUE="sqlite:$WORK/queue.sqlite" MEDIAWORKER_INPUT_ROOT="$WORK/uploads" \
       MEDIAWORKER_OUTPUT_ROOT="$WORK/outputs" MEDIAWORKER_JOBS_DIR="$ROOT/jobs"
"$BIN" serve --work --listen "127.0.0.1:$PORT" --log-level warning --grace-seconds 5 >"$WORK/serve.log" 2>&1 &
SERVER=$!
BASE="http://127.0.0.1:$PORT"

read -r DONE DEAD < <(python3 - "$BASE" <<'EOF'
import os, sys
sys.path.insert(0, "scripts")
from mwclient import Client
client = Client(sys.argv[1], os.environ["MEDIAWORKER_HOOK_SECRET"], os.environ["MEDIAWORKER_OPERATOR_TOKEN"], "serve-check")
client.wait_up()
done = client.deliver({"input": "campaign-16x9.mp4", "template": "thumbnails", "key": "serve-check-done"})
dead = client.deliver({"input": "not-a-video.mp4", "template": "thumbnails", "key": "serve-check-dead"})
# A phone photo through the default template: one upright JPEG per rendition, no thumbnails.
photo = client.deliver({"input": "phone-photo-sideways.jpg", "key": "serve-check-photo"})
client.wait_state(done, ["succeeded"])
client.wait_state(dead, ["dead"], fail_on=("succeeded", "cancelled"))
doc = client.wait_state(photo, ["succeeded"], fail_on=("dead", "cancelled"))
kinds = sorted({o["kind"] for o in doc["outputs"]})
still = doc.get("still") or {}
if kinds != ["image"] or len(doc["outputs"]) != 5 or still.get("orientation") != 6 or still.get("width") != 540:
    sys.exit(f"serve-check: the photo job's outputs are wrong: {kinds}, {len(doc['outputs'])} outputs, still={still}")
print(f"serve-check: photo job {photo}: 5 images, turned upright (orientation 6), from {still.get('converted_from')}", file=sys.stderr)
print(done, dead)
EOF
)
echo "serve-check: job $DONE succeeded, job $DEAD dead" >&2
status=0
python3 scripts/openapi-check.py "$BASE" --succeeded "$DONE" --dead "$DEAD" >"$WORK/openapi.log" 2>&1 || status=$?
cat "$WORK/openapi.log" >&2
python3 scripts/dashboard-browser-check.py "$BASE" --screenshots "$WORK/screenshots" || status=$?
if ((status)); then tail -30 "$WORK/serve.log" >&2; fi
kill -TERM "$SERVER"; wait "$SERVER" || { echo "serve-check: serve exited non-zero after SIGTERM" >&2; status=1; }
SERVER=""
if ((status)); then echo "serve-check: FAIL" >&2; exit "$status"; fi
echo "serve-check: passed" >&2
