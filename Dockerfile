# syntax=docker/dockerfile:1
# mediaworker: the upload hook, operators' API and dashboard (`serve`, the default command) and the worker
# (`work`), one static-stdlib binary on Debian 12 (bookworm). Built and checked by scripts/image-check.sh.
#
#   scripts/stamp-version.sh                 # bakes `git describe` into the build (`mediaworker --version`)
#   docker build -t mediaworker .
#   docker run --stop-timeout 45 -p 8080:8080 -v mediaworker:/var/lib/mediaworker \
#     -e MEDIAWORKER_HOOK_SECRET=... -e MEDIAWORKER_OPERATOR_TOKEN=... mediaworker serve --work
#
# Stop timeout: `work` and `serve --work` give running attempts --grace-seconds (30 s by default) after SIGTERM,
# then release their leases; docker's default stop timeout is 10 s. Run with a stop timeout above the grace
# (`docker run --stop-timeout 45`, compose `stop_grace_period: 45s`, Kubernetes terminationGracePeriodSeconds: 45).
#
# Licence: Debian's FFmpeg libraries are built with --enable-gpl (they include libx264), so this image, like the
# linked binary, is distributed under the GPL, version 2 or later.

# ---- build: Swift 6.3 (swift-tools-version 6.2 is the least the dependencies accept) on bookworm ----
FROM swift:6.3-bookworm AS build
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      pkg-config libavformat-dev libavcodec-dev libavfilter-dev libavutil-dev libswscale-dev libswresample-dev \
      libpng-dev libfreetype-dev fonts-dejavu-core libsqlite3-dev libjpeg62-turbo-dev libheif-dev liblcms2-dev \
      libass-dev libebur128-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, in their own layer: it is rebuilt only when Package.swift changes (every version is
# pinned `exact:` there, so the same Package.swift resolves the same graph).
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
# Package.swift also names the benchmark and fuzz targets' folders: SwiftPM checks every target's path.
COPY bench/QueueBench ./bench/QueueBench
COPY fuzz/Sources ./fuzz/Sources
RUN swift build -c release --product mediaworker --static-swift-stdlib \
    && install -D -m 0755 "$(swift build -c release --show-bin-path)/mediaworker" /out/usr/local/bin/mediaworker \
    && install -D -m 0755 "$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")/libexec/swift/linux/swift-backtrace-static" \
         /out/usr/local/libexec/mediaworker/swift-backtrace-static

# ---- runtime: only the shared libraries mediaworker links ----
FROM debian:bookworm-slim
ARG UID=10001
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libavformat59 libavcodec59 libavfilter8 libavutil57 libswscale6 libswresample4 libpng16-16 libfreetype6 \
      libjpeg62-turbo libheif1 liblcms2-2 libass9 libebur128-1 fonts-dejavu-core libsqlite3-0 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid "$UID" mediaworker \
    && useradd --system --uid "$UID" --gid "$UID" --home-dir /var/lib/mediaworker --no-create-home \
         --shell /usr/sbin/nologin mediaworker \
    && install -d -o "$UID" -g "$UID" -m 0750 /var/lib/mediaworker /var/lib/mediaworker/uploads /var/lib/mediaworker/outputs
COPY --from=build /out/ /
# Templates where the binary finds them (<prefix>/share/mediaworker/jobs); samples for `verify`.
COPY jobs /usr/local/share/mediaworker/jobs
COPY samples /usr/local/share/mediaworker/samples

# The repository has no public address yet: publishers pass it (docker build --build-arg SOURCE_URL=https://…).
ARG SOURCE_URL=""
LABEL org.opencontainers.image.title="mediaworker" \
      org.opencontainers.image.description="Transcodes campaign videos for social networks, extracts thumbnails, stamps a hashtag watermark (#SomosLoMismo); upload hook, operators' API, dashboard and job-queue worker." \
      org.opencontainers.image.source="${SOURCE_URL}" \
      org.opencontainers.image.licenses="GPL-2.0-or-later" \
      org.opencontainers.image.base.name="docker.io/library/debian:bookworm-slim"

# The shared locations (README, "Command line"): serve, work and jobs in this image agree on them.
ENV MEDIAWORKER_QUEUE=sqlite:/var/lib/mediaworker/queue.sqlite \
    MEDIAWORKER_INPUT_ROOT=/var/lib/mediaworker/uploads \
    MEDIAWORKER_OUTPUT_ROOT=/var/lib/mediaworker/outputs \
    MEDIAWORKER_JOBS_DIR=/usr/local/share/mediaworker/jobs \
    MEDIAWORKER_LISTEN=0.0.0.0:8080 \
    SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,images=none,interactive=no,swift-backtrace=/usr/local/libexec/mediaworker/swift-backtrace-static

USER 10001:10001
WORKDIR /var/lib/mediaworker
# The image's smoke test, as the runtime user: the FFmpeg and PNG libraries, the fonts and the templates are all
# there and every sample job meets its manifest (outputs go to a temporary folder and are removed).
RUN mediaworker --version && mediaworker verify /usr/local/share/mediaworker/samples

VOLUME ["/var/lib/mediaworker"]
EXPOSE 8080
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
  CMD ["mediaworker", "healthcheck", "--timeout", "5", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["mediaworker"]
CMD ["serve"]
