# Shared helpers for the benchmarks in bench/. Source it from a bench script:
#
#   source "$(dirname "$0")/lib.sh"
#   bench_init transcode                     # work dir, checks GNU time
#   IN=$(bench_input NAME ffmpeg-args...)    # cached generated input
#   bench_case mediaworker OUT cmd args...   # a timed command (OUT is removed before each run)
#   bench_case ffmpeg OUT cmd args...
#   bench_run                                # RUNS interleaved runs: A B A B ...
#   bench_report mediaworker ffmpeg          # medians, ratios A/B, JSON in bench/results/
#
# Environment: RUNS (default 5), WARMUP (untimed runs of each case first, default 1),
# BENCH_KEEP=1 keeps the work dir (outputs and per-run logs).
# Per run we record user+sys CPU seconds, wall seconds and peak RSS (KB) from GNU time.
# Benchmarks are not tests: they report numbers, they only fail if a command fails.

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH_CACHE=${BENCH_CACHE:-$BENCH_ROOT/.cache}
BENCH_RESULTS=${BENCH_RESULTS:-$BENCH_ROOT/results}
RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1}
GNU_TIME=${GNU_TIME:-/usr/bin/time}

declare -a BENCH_CASES=()
declare -A BENCH_CMD=() BENCH_OUT=() BENCH_PREP=()

bench_die() { echo "bench: $*" >&2; exit 1; }
bench_log() { echo "bench: $*" >&2; }

# bench_mediaworker: the release binary under test (MEDIAWORKER, default .build/release/mediaworker), checked and
# made absolute in MEDIAWORKER, so scripts that change directory or write it into wrapper scripts can use it.
bench_mediaworker() {
  MEDIAWORKER=${MEDIAWORKER:-.build/release/mediaworker}
  [[ -x $MEDIAWORKER ]] || bench_die "no $MEDIAWORKER: run 'swift build -c release --product mediaworker' first (or set MEDIAWORKER)"
  MEDIAWORKER=$(cd "$(dirname "$MEDIAWORKER")" && pwd)/$(basename "$MEDIAWORKER")
}

# bench_init NAME: checks tools, makes a work dir removed on exit.
bench_init() {
  BENCH_NAME=$1
  [[ $RUNS =~ ^[1-9][0-9]*$ ]] || bench_die "RUNS must be a positive integer (got '$RUNS')"
  [[ $WARMUP =~ ^[0-9]+$ ]] || bench_die "WARMUP must be a non-negative integer (got '$WARMUP')"
  if ! "$GNU_TIME" -f '%e' -o /dev/null true 2>/dev/null; then
    bench_die "GNU time not found at $GNU_TIME (Debian: apt-get install time)"
  fi
  local tool
  for tool in ffmpeg ffprobe awk; do
    command -v "$tool" >/dev/null || bench_die "$tool not found"
  done
  BENCH_WORK=$(mktemp -d "${TMPDIR:-/tmp}/bench-$BENCH_NAME.XXXXXX")
  if [[ ${BENCH_KEEP:-0} == 1 ]]; then
    bench_log "keeping work dir $BENCH_WORK"
  else
    trap 'rm -rf "$BENCH_WORK"' EXIT
  fi
}

# bench_input NAME ARGS...: path of a cached input made by `ffmpeg ARGS... FILE`.
# The file name carries a hash of the arguments, so changing them makes a new input.
bench_input() {
  local name=$1; shift
  local hash; hash=$(printf '%s\n' "$@" | sha1sum | cut -c1-8)
  local path="$BENCH_CACHE/${name%.*}-$hash.${name##*.}"
  if [[ ! -s $path ]]; then
    mkdir -p "$BENCH_CACHE"
    bench_log "generating $path (once; cached)"
    local tmp="$path.tmp.$$.${name##*.}"
    ffmpeg -hide_banner -nostdin -v error -y "$@" "$tmp" || { rm -f "$tmp"; bench_die "input generation failed"; }
    mv "$tmp" "$path"
  fi
  echo "$path"
}

# bench_case NAME OUTPUT CMD ARGS...: registers a command to time. OUTPUT (or -) is deleted
# before every run, so each run does the same work.
bench_case() {
  local name=$1 out=$2; shift 2
  BENCH_CASES+=("$name")
  BENCH_CMD[$name]=$(printf '%q ' "$@")
  BENCH_OUT[$name]=$out
}

# bench_prep NAME CMD ARGS...: a command run before every run of case NAME, not timed.
bench_prep() {
  local name=$1; shift
  BENCH_PREP[$name]=$(printf '%q ' "$@")
}

# bench_time NAME RUN: runs case NAME once under GNU time; appends "cpu wall rss_kb" to
# $BENCH_WORK/NAME.samples unless RUN is "warmup".
bench_time() {
  local name=$1 run=$2
  local log="$BENCH_WORK/$name.$run.log" tfile="$BENCH_WORK/$name.$run.time"
  [[ ${BENCH_OUT[$name]} == - ]] || rm -f "${BENCH_OUT[$name]}"
  # An untimed preparation step of the case, when it has one (bench_prep).
  if [[ -n ${BENCH_PREP[$name]:-} ]] && ! eval "${BENCH_PREP[$name]}" >"$log.prep" 2>&1 </dev/null; then
    cat "$log.prep" >&2
    bench_die "$name: preparation failed (run $run)"
  fi
  if ! eval "\"\$GNU_TIME\" -f '%U %S %e %M' -o \"\$tfile\" ${BENCH_CMD[$name]}" >"$log" 2>&1 </dev/null; then
    cat "$log" "$tfile" >&2 2>/dev/null
    bench_die "$name failed (run $run): ${BENCH_CMD[$name]}"
  fi
  # The last line is ours (GNU time puts "Command exited with ..." before it on failure).
  local u s e m
  read -r u s e m < <(tail -n 1 "$tfile")
  [[ $run == warmup ]] && return 0
  awk -v u="$u" -v s="$s" -v e="$e" -v m="$m" 'BEGIN { printf "%.2f %.2f %d\n", u + s, e, m }' \
    >>"$BENCH_WORK/$name.samples"
}

# bench_run: WARMUP untimed rounds, then RUNS rounds, each round running every case once
# in registration order (A B A B ...), so slow drifts of the machine hit all cases alike.
bench_run() {
  local i name
  for ((i = 1; i <= WARMUP; i++)); do
    for name in "${BENCH_CASES[@]}"; do bench_log "warm-up $i/$WARMUP: $name"; bench_time "$name" warmup; done
  done
  for ((i = 1; i <= RUNS; i++)); do
    for name in "${BENCH_CASES[@]}"; do
      bench_time "$name" "$i"
      bench_log "run $i/$RUNS: $(printf '%-12s' "$name") $(tail -n 1 "$BENCH_WORK/$name.samples" |
        awk '{ printf "cpu %6.2f s  wall %6.2f s  rss %7d KB", $1, $2, $3 }')"
    done
  done
}

# bench_median: median of the numbers on stdin (mean of the middle two for an even count).
bench_median() {
  sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) exit 1
    if (NR % 2) m = v[(NR + 1) / 2]; else m = (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%.10g\n", m }'
}

# bench_stat NAME COLUMN: median of column 1 (cpu), 2 (wall) or 3 (rss) of NAME's samples.
bench_stat() { awk -v c="$2" '{ print $c }' "$BENCH_WORK/$1.samples" | bench_median; }

bench_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f\n", a / b; else print "null" }'; }

# bench_json_samples NAME: the raw samples of NAME as a JSON array.
bench_json_samples() {
  awk 'BEGIN { printf "[" } { printf "%s{\"cpu_s\": %s, \"wall_s\": %s, \"rss_kb\": %s}", (NR > 1 ? ", " : ""), $1, $2, $3 }
       END { printf "]" }' "$BENCH_WORK/$1.samples"
}

bench_json_string() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }

# bench_report SUBJECT BASELINE [DESCRIPTION]: prints the medians and SUBJECT/BASELINE ratios,
# writes them to $BENCH_RESULTS/NAME-<UTC date-time>.json and prints that path.
bench_report() {
  local a=$1 b=$2 desc=${3:-}
  local name col
  declare -A med
  for name in "$a" "$b"; do
    for col in 1 2 3; do med[$name.$col]=$(bench_stat "$name" "$col"); done
  done
  local rc rw rr
  rc=$(bench_ratio "${med[$a.1]}" "${med[$b.1]}")
  rw=$(bench_ratio "${med[$a.2]}" "${med[$b.2]}")
  rr=$(bench_ratio "${med[$a.3]}" "${med[$b.3]}")

  echo
  [[ -n $desc ]] && echo "$BENCH_NAME: $desc"
  echo "medians of $RUNS interleaved runs on $(nproc) cores; compare the ratios (wall clock is noisy)"
  printf '%-22s %10s %10s %14s\n' "" "CPU s" "wall s" "peak RSS KB"
  for name in "$a" "$b"; do
    printf '%-22s %10.2f %10.2f %14.0f\n' "$name" "${med[$name.1]}" "${med[$name.2]}" "${med[$name.3]}"
  done
  printf '%-22s %10.2f %10.2f %14.2f\n' "$a/$b" "$rc" "$rw" "$rr"

  mkdir -p "$BENCH_RESULTS"
  local stamp; stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
  local json="$BENCH_RESULTS/$BENCH_NAME-$stamp.json"
  {
    printf '{\n'
    printf '  "benchmark": %s,\n' "$(bench_json_string "$BENCH_NAME")"
    printf '  "description": %s,\n' "$(bench_json_string "$desc")"
    printf '  "date": "%s",\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    printf '  "host": {"cores": %d, "kernel": %s, "ffmpeg": %s},\n' "$(nproc)" \
      "$(bench_json_string "$(uname -sr)")" \
      "$(bench_json_string "$(ffmpeg -version | head -n 1 | awk '{ print $3 }')")"
    printf '  "runs": %d,\n  "warmup": %d,\n' "$RUNS" "$WARMUP"
    printf '  "median": {\n'
    for name in "$a" "$b"; do
      printf '    %s: {"cpu_s": %s, "wall_s": %s, "rss_kb": %.0f}%s\n' "$(bench_json_string "$name")" \
        "${med[$name.1]}" "${med[$name.2]}" "${med[$name.3]}" "$([[ $name == "$a" ]] && echo ,)"
    done
    printf '  },\n'
    printf '  "ratio": {"of": %s, "cpu": %s, "wall": %s, "rss": %s},\n' \
      "$(bench_json_string "$a/$b")" "$rc" "$rw" "$rr"
    printf '  "commands": {%s: %s, %s: %s},\n' \
      "$(bench_json_string "$a")" "$(bench_json_string "${BENCH_CMD[$a]% }")" \
      "$(bench_json_string "$b")" "$(bench_json_string "${BENCH_CMD[$b]% }")"
    printf '  "samples": {%s: %s, %s: %s}\n' \
      "$(bench_json_string "$a")" "$(bench_json_samples "$a")" \
      "$(bench_json_string "$b")" "$(bench_json_samples "$b")"
    printf '}\n'
  } >"$json"
  echo "results: $json"
}

# bench_describe FILE: one line about a media file (to check both sides made the same thing).
bench_describe() {
  local v a size
  v=$(ffprobe -v error -select_streams v:0 -show_entries stream=codec_name,profile,width,height,pix_fmt,avg_frame_rate,nb_frames -of csv=p=0 "$1")
  a=$(ffprobe -v error -select_streams a:0 -show_entries stream=codec_name,profile,sample_rate,channels -of csv=p=0 "$1")
  size=$(stat -c %s "$1")
  echo "video $v | audio $a | $size bytes"
}
