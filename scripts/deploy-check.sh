#!/usr/bin/env bash
# Checks the deployment example in deploy/ as far as this machine can without a Docker engine or a booted systemd:
#   - the systemd units: `systemd-analyze verify` (against a scratch root holding the system's units and a
#     stand-in /usr/local/bin/mediaworker) must print nothing, and `systemd-analyze security --offline` must rate
#     each at most 2.0 ("OK");
#   - deploy/compose.yaml: Debian's docker-compose validates it against the Compose schema (`config`, no engine
#     needed), then the resolved file must have PostgreSQL, serve and two work replicas, the uploads and outputs
#     volumes on serve and work, health checks, env files for the secrets, and a stop grace longer than the
#     workers' --grace-seconds.
# Installs systemd and docker-compose from Debian's packages when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v systemd-analyze >/dev/null || missing+=(systemd)
command -v docker-compose >/dev/null || missing+=(docker-compose)
if ((${#missing[@]})); then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
python3 -c "import yaml" 2>/dev/null || pip install -q pyyaml
WORK=$(mktemp -d /tmp/mediaworker-deploy-check.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

root=$WORK/root
mkdir -p "$root/usr/lib/systemd" "$root/etc/systemd/system" "$root/usr/local/bin"
cp -r /usr/lib/systemd/system "$root/usr/lib/systemd/"
printf '#!/bin/sh\nexit 0\n' >"$root/usr/local/bin/mediaworker"; chmod +x "$root/usr/local/bin/mediaworker"
cp deploy/systemd/*.service "$root/etc/systemd/system/"
for unit in mediaworker-serve.service mediaworker-work@1.service; do
  out=$(systemd-analyze verify --man=no --root="$root" "$unit" 2>&1) || { echo "$out" >&2; echo "deploy-check: FAIL: $unit does not verify" >&2; exit 1; }
  [[ -z $out ]] || { echo "$out" >&2; echo "deploy-check: FAIL: systemd-analyze verify complains about $unit" >&2; exit 1; }
  score=$(systemd-analyze security --offline=yes --root="$root" "$unit" 2>/dev/null | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
  python3 -c "import sys; sys.exit(0 if float('$score') <= 2.0 else 1)" || { echo "deploy-check: FAIL: $unit exposure $score > 2.0" >&2; exit 1; }
  echo "deploy-check: $unit verifies; exposure $score" >&2
done
grep -q '^u mediaworker 10001' deploy/systemd/mediaworker.sysusers.conf || { echo "deploy-check: FAIL: sysusers entry" >&2; exit 1; }

cp deploy/compose.yaml "$WORK/"
cp deploy/mediaworker.env.example "$WORK/mediaworker.env"
cp deploy/postgres.env.example "$WORK/postgres.env"
docker-compose --project-directory "$WORK" -f "$WORK/compose.yaml" config >"$WORK/resolved.yaml"
python3 - "$WORK/resolved.yaml" deploy/compose.yaml <<'PY'
import re, sys, yaml
config = yaml.safe_load(open(sys.argv[1]))
raw = yaml.safe_load(open(sys.argv[2]))
services = config["services"]
problems = []
def want(ok, what):
    if not ok: problems.append(what)
want(set(services) == {"postgres", "serve", "work"}, f"services {sorted(services)}")
want(services["work"].get("deploy", {}).get("replicas") == 2, "work does not run two replicas")
def seconds(text):
    return sum(int(n) * {"h": 3600, "m": 60, "s": 1}[u] for n, u in re.findall(r"(\d+)([hms])", text))
command = services["work"]["command"]
grace = float(command[command.index("--grace-seconds") + 1])
for name in ("serve", "work"):
    service = services[name]
    want("healthcheck" in service and service["healthcheck"]["test"][1:3] == ["mediaworker", "healthcheck"], f"{name}: health check")
    targets = {v["target"] if isinstance(v, dict) else v.split(":")[1] for v in service["volumes"]}
    want({"/var/lib/mediaworker/uploads", "/var/lib/mediaworker/outputs"} <= targets, f"{name}: shared volumes {targets}")
    want(seconds(service["stop_grace_period"]) > grace, f"{name}: stop grace {service['stop_grace_period']} not above --grace-seconds {grace}")
    want(raw["x-mediaworker"]["env_file"] == "mediaworker.env", f"{name}: secrets not from the env file")
    want(service["environment"]["MEDIAWORKER_QUEUE"].startswith("postgres://"), f"{name}: queue is not PostgreSQL")
want("--metrics-listen" in command, "work exports no metrics")
want("healthcheck" in services["postgres"], "postgres: health check")
want(services["serve"]["depends_on"]["postgres"]["condition"] == "service_healthy", "serve does not wait for postgres")
if problems:
    sys.exit("deploy-check: FAIL: " + "; ".join(problems))
print(f"deploy-check: compose.yaml valid: postgres, serve, work ×2, shared volumes, health checks, stop grace > {grace:g} s", file=sys.stderr)
PY
