#!/usr/bin/env bash
# Regenerates the committed sample inputs in samples/ (see samples/README.md).
#
#   scripts/make-samples.sh            # writes samples/*.mp4, samples/watermark.png
#   OUT=/tmp/s scripts/make-samples.sh # somewhere else
#
# Needs only the ffmpeg/ffprobe CLI (Debian 12: ffmpeg 5.1, built with libx264 and
# libfreetype), python3 and fonts-dejavu-core. All content is synthetic (lavfi sources).
# Reproducible: fixed seeds, single-threaded x264, bitexact muxing, no metadata dates,
# so the same ffmpeg build gives byte-identical files.
set -euo pipefail

cd "$(dirname "$0")/.."
OUT=${OUT:-samples}
FONT=${FONT:-/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf}
mkdir -p "$OUT"

for tool in ffmpeg ffprobe python3; do
  command -v "$tool" >/dev/null || { echo "make-samples: $tool not found" >&2; exit 1; }
done
[[ -f $FONT ]] || { echo "make-samples: $FONT missing (apt-get install fonts-dejavu-core)" >&2; exit 1; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

FF=(ffmpeg -hide_banner -nostdin -v error -y)
# Deterministic output: no dates/encoder strings from the muxer, one x264 thread
# (x264's bitstream depends on its thread count).
DET=(-map_metadata -1 -fflags +bitexact -flags:v +bitexact -flags:a +bitexact)
X264=(-c:v libx264 -threads 1 -preset medium -profile:v high -pix_fmt yuv420p)

# ---------------------------------------------------------------------------
# 1. campaign-16x9.mp4: 1280x720 30 fps 6 s, H.264 High yuv420p + AAC-LC 48 kHz stereo.
#    Picture: moving colour fields blended with a zooming Mandelbrot (fine detail),
#    a moving testsrc2 inset (timecode, colour bars) and a bold headline.
#    0.0-0.5 s is pure black, 0.5-1.0 s fades in from black (thumbnail "skip black" tests).
#    Audio from t=0: left 440/554.37/659.25 Hz, right 220/277.18/329.63 Hz, 2 s each.
# ---------------------------------------------------------------------------
# Background: slowly moving colour fields. (lavfi's gradients source is not reproducible even with
# seed=, so compute them with geq at 320x180 and upscale -- they are smooth anyway.)
campaign_bg="nullsrc=s=320x180:r=30:d=6,format=gbrp,\
geq=r='128+90*sin(2*PI*(X/W+T/6))':g='110+90*sin(2*PI*(Y/H-T/4)+1)':b='140+90*cos(2*PI*((X+2*Y)/(W+2*H)+T/5))',\
scale=1280:720:flags=bicubic"
campaign_v="[0:v]format=yuv420p[g];\
[1:v]format=yuv420p,trim=duration=6[m];\
[g][m]blend=all_mode=overlay:all_opacity=0.7[b];\
[b][2:v]overlay=x='40+t*120':y=H-h-40:shortest=1,\
drawtext=fontfile=$FONT:text='Somos Lo Mismo':fontsize=72:fontcolor=white:borderw=3:bordercolor=black:x=(w-text_w)/2:y='80+20*sin(2*PI*t/3)',\
fade=t=in:st=0.5:d=0.5,format=yuv420p[v]"
campaign_a="sine=f=440:r=48000:d=2[l1];sine=f=554.37:r=48000:d=2[l2];sine=f=659.25:r=48000:d=2[l3];\
sine=f=220:r=48000:d=2[r1];sine=f=277.18:r=48000:d=2[r2];sine=f=329.63:r=48000:d=2[r3];\
[l1][l2][l3]concat=n=3:v=0:a=1[l];[r1][r2][r3]concat=n=3:v=0:a=1[r];\
[l][r]join=inputs=2:channel_layout=stereo:map=0.0-FL|1.0-FR[a]"

"${FF[@]}" \
  -f lavfi -i "$campaign_bg" \
  -f lavfi -i "mandelbrot=s=1280x720:r=30:maxiter=400:start_x=-0.743643887037151:start_y=0.13182590420533:start_scale=3:end_scale=0.05:end_pts=200" \
  -f lavfi -i "testsrc2=s=384x216:r=30:d=6" \
  -filter_complex "$campaign_v;$campaign_a" \
  -map '[v]' -map '[a]' -t 6 \
  "${X264[@]}" -crf 30 -g 60 \
  -c:a aac -b:a 96k -ar 48000 -ac 2 \
  -movflags +faststart "${DET[@]}" "$TMP/campaign-16x9.mp4"
mv "$TMP/campaign-16x9.mp4" "$OUT/campaign-16x9.mp4"

# ---------------------------------------------------------------------------
# 2. portrait-9x16-rotated.mp4: a 720x1280 upright picture stored as 1280x720 frames
#    (rotated 90 deg counter-clockwise) with a tkhd matrix saying "rotate 90 deg clockwise
#    to display" -- what a phone held upright writes. ffprobe: rotation -90.
#    Upright picture markers (solid, 80x80, on 16-pixel boundaries):
#      red   (255,0,0) at x 0..79,    y 0..79      (top-left)
#      green (0,255,0) at x 640..719, y 0..79      (top-right)
#      blue  (0,0,255) at x 640..719, y 1200..1279 (bottom-right)
#    30 fps, 4 s, H.264 + AAC-LC 44.1 kHz mono (tests resampling to 48 kHz stereo).
# ---------------------------------------------------------------------------
#    Everything else near the corners is mid grey (0x808080): the moving testsrc2 picture is an
#    inset at x 80..639, y 120..1159, so no corner can be mistaken for another (testsrc2's own
#    colour bars would put red down the whole left edge).
portrait_v="[0:v][1:v]overlay=x=80:y=120:shortest=1,\
drawtext=fontfile=$FONT:text='TOP':fontsize=80:fontcolor=white:borderw=4:bordercolor=black:x=(w-text_w)/2:y=22,\
drawbox=x=0:y=0:w=80:h=80:color=0xFF0000:t=fill,\
drawbox=x=640:y=0:w=80:h=80:color=0x00FF00:t=fill,\
drawbox=x=640:y=1200:w=80:h=80:color=0x0000FF:t=fill,\
transpose=cclock,format=yuv420p[v]"

"${FF[@]}" \
  -f lavfi -i "color=c=0x808080:s=720x1280:r=30:d=4" \
  -f lavfi -i "testsrc2=s=560x1040:r=30:d=4" \
  -f lavfi -i "sine=f=523.25:r=44100:d=4" \
  -filter_complex "$portrait_v" \
  -map '[v]' -map 2:a -t 4 \
  "${X264[@]}" -crf 30 -g 60 \
  -c:a aac -b:a 64k -ar 44100 -ac 1 \
  -movflags +faststart "${DET[@]}" "$TMP/portrait.mp4"

# Patch the video track's tkhd matrix in place (same size, so no offsets move).
python3 - "$TMP/portrait.mp4" <<'PY'
import struct, sys

path = sys.argv[1]
data = bytearray(open(path, "rb").read())

def boxes(start, end):
    """Yield (type, payload_start, box_end) for the boxes in data[start:end]."""
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            size = struct.unpack_from(">Q", data, pos + 8)[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            raise SystemExit(f"bad box {kind!r} at {pos}")
        yield kind.decode("latin-1"), pos + header, pos + size
        pos += size

def child(start, end, kind):
    return next(((s, e) for k, s, e in boxes(start, end) if k == kind), None)

moov = child(0, len(data), "moov")
if moov is None:
    raise SystemExit("no moov box")
patched = 0
for kind, s, e in boxes(*moov):
    if kind != "trak":
        continue
    mdia = child(s, e, "mdia")
    hdlr = mdia and child(*mdia, "hdlr")
    # hdlr: version/flags(4) pre_defined(4) handler_type(4)
    if not hdlr or data[hdlr[0] + 8:hdlr[0] + 12] != b"vide":
        continue
    tkhd = child(s, e, "tkhd")
    version = data[tkhd[0]]
    # version 0: vf(4) ctime(4) mtime(4) id(4) res(4) dur(4) res(8) layer(2) alt(2) vol(2) res(2)
    # version 1: ctime/mtime/dur are 8 bytes
    off = tkhd[0] + (40 if version == 0 else 52)
    width, height = (v >> 16 for v in struct.unpack_from(">II", data, off + 36))
    # {a b u; c d v; tx ty w}: x' = a*x + c*y + tx, y' = b*x + d*y + ty (16.16, u/v/w 2.30).
    # 90 deg clockwise, as ffmpeg's movenc writes for rotate=90: a=0 b=1 c=-1 d=0 tx=height.
    one = 0x00010000
    matrix = (0, one, 0, (-one) & 0xFFFFFFFF, 0, 0, (height << 16), 0, 0x40000000)
    struct.pack_into(">9I", data, off, *matrix)
    patched += 1
    print(f"tkhd v{version}: {width}x{height} -> matrix rotate 90 cw")
if patched != 1:
    raise SystemExit(f"expected one video track, patched {patched}")
open(path, "wb").write(data)
PY
mv "$TMP/portrait.mp4" "$OUT/portrait-9x16-rotated.mp4"

# ---------------------------------------------------------------------------
# 3. watermark.png: "#SomosLoMismo", 600x120 RGBA, transparent background,
#    white DejaVu Sans Bold with a dark outline and soft shadow.
# ---------------------------------------------------------------------------
"${FF[@]}" -f lavfi -i "color=c=black@0.0:s=600x120:r=1,format=rgba" \
  -vf "drawtext=fontfile=$FONT:text='#SomosLoMismo':fontsize=60:fontcolor=white:borderw=4:bordercolor=black@0.85:shadowx=3:shadowy=3:shadowcolor=black@0.5:x=(w-text_w)/2:y=(h-text_h)/2" \
  -frames:v 1 -pix_fmt rgba -fflags +bitexact -flags +bitexact "$TMP/watermark.png"
mv "$TMP/watermark.png" "$OUT/watermark.png"

# ---------------------------------------------------------------------------
# Verify what tests rely on.
# ---------------------------------------------------------------------------
fail() { echo "make-samples: FAIL: $*" >&2; exit 1; }
probe() { ffprobe -v error -select_streams "$2" -show_entries "$3" -of csv=p=0 "$1"; }

[[ $(probe "$OUT/campaign-16x9.mp4" v:0 stream=codec_name,width,height,pix_fmt,r_frame_rate) == "h264,1280,720,yuv420p,30/1" ]] \
  || fail "campaign video stream"
[[ $(probe "$OUT/campaign-16x9.mp4" a:0 stream=codec_name,sample_rate,channels,start_time) == "aac,48000,2,0.000000" ]] \
  || fail "campaign audio stream"
[[ $(probe "$OUT/portrait-9x16-rotated.mp4" v:0 stream_side_data=rotation) == "-90" ]] \
  || fail "portrait rotation"
[[ $(probe "$OUT/portrait-9x16-rotated.mp4" a:0 stream=codec_name,sample_rate,channels) == "aac,44100,1" ]] \
  || fail "portrait audio stream"
[[ $(probe "$OUT/watermark.png" v:0 stream=codec_name,width,height,pix_fmt) == "png,600,120,rgba" ]] \
  || fail "watermark format"

python3 - "$OUT" "$TMP" <<'PY'
import subprocess, struct, sys, zlib

out, tmp = sys.argv[1], sys.argv[2]

def rgb_frame(path, at, extra=()):
    """First frame at `at` seconds as (w, h, rgb bytes), via the ffmpeg CLI (auto-rotates)."""
    subprocess.run(["ffmpeg", "-v", "error", "-nostdin", *extra, "-ss", str(at), "-i", path,
                           "-frames:v", "1", "-f", "image2", "-c:v", "png", "-y", f"{tmp}/f.png"],
                          check=True)
    return read_png(f"{tmp}/f.png")

def read_png(path):
    raw = open(path, "rb").read()
    assert raw[:8] == b"\x89PNG\r\n\x1a\n", path
    pos, idat, ihdr = 8, b"", None
    while pos < len(raw):
        n, kind = struct.unpack_from(">I4s", raw, pos)
        body = raw[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype = ihdr[:4]
    assert depth == 8 and ctype in (2, 6), ihdr
    bpp = 3 if ctype == 2 else 4
    rows, prev, stride, src = [], bytearray(w * bpp), w * bpp, zlib.decompress(idat)
    for y in range(h):
        f, line = src[y * (stride + 1)], bytearray(src[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line)); prev = line
    return w, h, ctype, rows

def px(img, x, y):
    w, h, ctype, rows = img
    bpp = 3 if ctype == 2 else 4
    return tuple(rows[y][x * bpp:(x + 1) * bpp])

def near(p, want, tol=12):
    return all(abs(a - b) <= tol for a, b in zip(p, want))

# Portrait: auto-rotated picture is 720x1280 and upright.
img = rgb_frame(f"{out}/portrait-9x16-rotated.mp4", 1)
assert img[:2] == (720, 1280), f"auto-rotated portrait is {img[:2]}"
for name, (x, y), want in [("red", (40, 40), (255, 0, 0)), ("green", (680, 40), (0, 255, 0)),
                           ("blue", (680, 1240), (0, 0, 255)), ("grey", (40, 1240), (128, 128, 128))]:
    got = px(img, x, y)
    assert near(got, want), f"portrait {name} marker at {x},{y}: {got}"
    print(f"portrait upright {name:5} at ({x},{y}): rgb{got}")
# Stored (not rotated) frame: 1280x720, red marker at the bottom-left.
img = rgb_frame(f"{out}/portrait-9x16-rotated.mp4", 1, ["-noautorotate"])
assert img[:2] == (1280, 720) and near(px(img, 40, 680), (255, 0, 0)), "stored portrait frame"

# Campaign: black for the first 0.5 s, not black after the fade.
def mean_luma(img):
    w, h, ctype, rows = img
    return sum(sum(r) for r in rows) / (w * h * 3)
black = mean_luma(rgb_frame(f"{out}/campaign-16x9.mp4", 0.2))
lit = mean_luma(rgb_frame(f"{out}/campaign-16x9.mp4", 2))
assert black < 2 and lit > 60, (black, lit)
print(f"campaign mean rgb at 0.2 s: {black:.2f}, at 2 s: {lit:.1f}")

# Watermark: colour type 6 (RGBA) with transparent and opaque pixels.
w, h, ctype, rows = read_png(f"{out}/watermark.png")
alphas = [r[i] for r in rows for i in range(3, len(r), 4)]
assert ctype == 6 and min(alphas) == 0 and max(alphas) == 255, (ctype, min(alphas), max(alphas))
print(f"watermark {w}x{h} RGBA, transparent pixels {sum(a == 0 for a in alphas) / len(alphas):.0%}")
PY

ls -l "$OUT"/campaign-16x9.mp4 "$OUT"/portrait-9x16-rotated.mp4 "$OUT"/watermark.png
total=$(cat "$OUT"/campaign-16x9.mp4 "$OUT"/portrait-9x16-rotated.mp4 "$OUT"/watermark.png | wc -c)
(( total < 3 * 1024 * 1024 )) || fail "samples are $total bytes, over 3 MB"
echo "make-samples: OK ($total bytes)"
