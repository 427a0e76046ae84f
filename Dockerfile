# syntax=docker/dockerfile:1
# Build stage: Swift 6 on Debian bookworm; the same packages scripts/setup.sh installs (and CI proves).
# Swift 6.2 or later: hummingbird 2.28 and swift-prometheus 2.4 declare swift-tools-version 6.2.
FROM swift:6.2-bookworm AS build
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      pkg-config libavformat-dev libavcodec-dev libavfilter-dev libavutil-dev libswscale-dev libswresample-dev \
      libpng-dev libfreetype-dev fonts-dejavu-core libsqlite3-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
# Package.swift also names the benchmark and fuzz targets' folders: SwiftPM checks every target's path.
COPY bench/QueueBench ./bench/QueueBench
COPY fuzz/Sources ./fuzz/Sources
RUN swift build -c release --product mediaworker --static-swift-stdlib \
    && cp .build/release/mediaworker /usr/local/bin/mediaworker

# Runtime stage: only the shared libraries mediaworker links. Debian's FFmpeg is built with --enable-gpl
# (libx264): this image is GPL.
FROM debian:bookworm-slim
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libavformat59 libavcodec59 libavfilter8 libavutil57 libswscale6 libswresample4 libpng16-16 libfreetype6 \
      fonts-dejavu-core libsqlite3-0 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --uid 10001 mediaworker
COPY --from=build /usr/local/bin/mediaworker /usr/local/bin/mediaworker
COPY jobs /app/jobs
COPY samples /app/samples
WORKDIR /app
USER mediaworker
ENTRYPOINT ["mediaworker"]
