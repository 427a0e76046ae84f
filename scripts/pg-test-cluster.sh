#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the queue tests (Debian 12's packages).
#
#   eval "$(scripts/pg-test-cluster.sh start)"   # prints: export MEDIAWORKER_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:PORT/postgres
#   scripts/pg-test-cluster.sh stop              # stops the server and deletes its data
#   scripts/pg-test-cluster.sh halt | restart    # stop keeping the data (start brings it back on the same port) | restart
#   scripts/pg-test-cluster.sh url | status
#
# `start` is idempotent: a running cluster is reused. The server listens on 127.0.0.1 only, on a free port, with
# trust authentication, and runs with fsync off (test data only). As root, initdb and the server run as the
# `postgres` user (initdb refuses root); the data lives in a mktemp folder recorded in the state file
# ($MEDIAWORKER_PG_STATE, default /tmp/mediaworker-pg-test.env). Only the URL goes to stdout; progress to stderr.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
STATE_FILE=${MEDIAWORKER_PG_STATE:-/tmp/mediaworker-pg-test.env}
RUN_USER=postgres

say() { echo "pg-test-cluster: $*" >&2; }

ensure_binaries() {
    [[ -x "$PG_BIN/initdb" ]] && return
    [[ $(id -u) -eq 0 ]] || { say "PostgreSQL 15 is missing: apt-get install postgresql (as root)"; exit 1; }
    say "installing PostgreSQL 15 (apt-get install postgresql)"
    export DEBIAN_FRONTEND=noninteractive
    # Don't let the package create and start its own cluster on port 5432.
    mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.d/mediaworker-tests.conf
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends postgresql >&2
    [[ -x "$PG_BIN/initdb" ]] || { say "initdb still missing at $PG_BIN after installing"; exit 1; }
}

as_user() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u "$RUN_USER" -- "$@"
    else
        "$@"
    fi
}

ensure_user() {
    [[ $(id -u) -eq 0 ]] || { RUN_USER=$(id -un); return; }
    if ! id "$RUN_USER" >/dev/null 2>&1; then
        RUN_USER=mwpgtest
        id "$RUN_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$RUN_USER"
    fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
    local port
    for _ in $(seq 1 100); do
        port=$((20000 + RANDOM % 20000))
        port_in_use "$port" || { echo "$port"; return; }
    done
    say "no free port found"; exit 1
}

load_state() {
    [[ -f "$STATE_FILE" ]] || return 1
    # shellcheck disable=SC1090
    source "$STATE_FILE"
    [[ -n "${PGDATA_DIR:-}" && -d "$PGDATA_DIR" && -n "${PORT:-}" ]]
}

url() { echo "postgres://postgres@127.0.0.1:$PORT/postgres"; }

running() { as_user "$PG_BIN/pg_ctl" status -D "$PGDATA_DIR/data" >/dev/null 2>&1; }

# The server outlives this script: it must hold no descriptor of its caller but stdin/stdout/stderr. An
# inherited pipe keeps whoever waits for that pipe's end waiting as long as the server runs (seen: a test
# restarting the cluster handed the server the pipes of ThreadSanitizer's llvm-symbolizer, which then never
# exited, and `swift test`, reading the symbolizer's stderr, hung).
without_inherited_fds() {
    (
        for fd in /proc/$BASHPID/fd/*; do
            fd=${fd##*/}
            if ((fd > 2)); then eval "exec $fd>&-"; fi
        done 2>/dev/null
        "$@"
    )
}

launch() {
    without_inherited_fds as_user "$PG_BIN/pg_ctl" start -w -t 60 -D "$PGDATA_DIR/data" -l "$PGDATA_DIR/server.log" \
        -o "-p $PORT -k $PGDATA_DIR" >/dev/null
}

start() {
    ensure_binaries
    ensure_user
    if load_state; then
        RUN_USER=${RUN_AS:-$RUN_USER}
        if ! running; then
            say "starting the existing cluster in $PGDATA_DIR on port $PORT"
            launch || { say "start failed; see $PGDATA_DIR/server.log"; tail -n 20 "$PGDATA_DIR/server.log" >&2; exit 1; }
        fi
        echo "export MEDIAWORKER_TEST_POSTGRES_URL=$(url)"
        return
    fi
    PGDATA_DIR=$(mktemp -d /tmp/mediaworker-pg.XXXXXX)
    chmod 755 "$PGDATA_DIR"
    [[ $(id -u) -eq 0 ]] && chown "$RUN_USER" "$PGDATA_DIR"
    say "initdb into $PGDATA_DIR/data (as $RUN_USER)"
    as_user "$PG_BIN/initdb" -D "$PGDATA_DIR/data" -U postgres --auth=trust --no-sync -E UTF8 --no-locale >/dev/null
    cat >>"$PGDATA_DIR/data/postgresql.conf" <<CONF
# mediaworker test cluster: throwaway data, speed over durability
listen_addresses = '127.0.0.1'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 300
CONF
    for attempt in 1 2 3; do
        PORT=$(free_port)
        cat >"$STATE_FILE" <<STATE
PGDATA_DIR=$PGDATA_DIR
PORT=$PORT
RUN_AS=$RUN_USER
STATE
        if launch; then
            say "PostgreSQL listening on 127.0.0.1:$PORT"
            echo "export MEDIAWORKER_TEST_POSTGRES_URL=$(url)"
            return
        fi
        say "start on port $PORT failed (attempt $attempt)"
    done
    tail -n 20 "$PGDATA_DIR/server.log" >&2
    exit 1
}

halt() {
    load_state || { say "no cluster recorded in $STATE_FILE"; return 0; }
    RUN_USER=${RUN_AS:-$RUN_USER}
    running && as_user "$PG_BIN/pg_ctl" stop -w -m fast -D "$PGDATA_DIR/data" >/dev/null
    return 0
}

stop() {
    load_state || { say "no cluster recorded in $STATE_FILE"; rm -f "$STATE_FILE"; return 0; }
    halt
    rm -rf "$PGDATA_DIR"
    rm -f "$STATE_FILE"
    say "stopped and removed $PGDATA_DIR"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    halt) halt ;;
    restart)
        load_state || { say "no cluster recorded in $STATE_FILE"; exit 1; }
        RUN_USER=${RUN_AS:-$RUN_USER}
        without_inherited_fds as_user "$PG_BIN/pg_ctl" restart -w -m fast -D "$PGDATA_DIR/data" -l "$PGDATA_DIR/server.log" \
            -o "-p $PORT -k $PGDATA_DIR" >/dev/null
        ;;
    url)
        load_state || exit 1
        echo "$(url)"
        ;;
    status)
        load_state || { echo "no cluster"; exit 1; }
        RUN_USER=${RUN_AS:-$RUN_USER}
        if running; then echo "running: $(url) (data $PGDATA_DIR)"; else echo "stopped: $(url) (data $PGDATA_DIR)"; exit 1; fi
        ;;
    *) echo "usage: $0 start|stop|halt|restart|url|status" >&2; exit 2 ;;
esac
