#!/usr/bin/env bash
# Catalogue throughput benchmark: the public catalogue against a bare Flask "hello", same gunicorn
# settings, same run, same machine. Prints req/s, p50/p99 and the ratios to the hello baseline.
# Exits 0 whatever the goals say; non-zero only when something broke. See bench/README.md.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")

# ---- settings (environment) ---------------------------------------------------------------
VENV=${BENCH_VENV:-${VIRTUAL_ENV:-}}
PGHOST_=${BENCH_PGHOST:-127.0.0.1}
PGPORT_=${BENCH_PGPORT:-5432}
PGUSER_=${BENCH_PGUSER:-postgres}
OFFERS=${BENCH_OFFERS:-2000}
WORD=${BENCH_WORD:-robotique}              # a word generate_offers.py puts in titles/summaries
MEMBER_EMAIL=${BENCH_MEMBER:-contact@usinage-bressan.fr}  # a demo member (Mecabourg)
DURATION=${BENCH_DURATION:-15s}
WARMUP=${BENCH_WARMUP:-3s}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
WRK_THREADS=${BENCH_WRK_THREADS:-2}
WORKERS=${BENCH_WORKERS:-2}
WORKER_CLASS=${BENCH_WORKER_CLASS:-gthread}  # as deploy/gunicorn.conf.py; "sync" works too
THREADS=${BENCH_THREADS:-4}
WORKER_CONNECTIONS=${BENCH_WORKER_CONNECTIONS:-$((4 * THREADS))}  # as deploy/gunicorn.conf.py

if [ -n "$VENV" ] && [ -d "$VENV/bin" ]; then PATH="$VENV/bin:$PATH"; fi
export PATH

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---- 1. tools ---------------------------------------------------------------------------------
if ! command -v wrk >/dev/null; then
    log "installing wrk (apt-get)"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get install -y wrk >/dev/null 2>&1 \
        || { $SUDO apt-get update >/dev/null && $SUDO apt-get install -y wrk >/dev/null; } \
        || die "cannot install wrk"
fi
command -v marketplace >/dev/null || die "the marketplace command is missing: pip install -e $ROOT (or set BENCH_VENV)"
if ! command -v gunicorn >/dev/null; then
    log "installing gunicorn (pip)"
    python -m pip install --quiet gunicorn || die "cannot install gunicorn"
fi
for tool in curl createdb dropdb pg_isready; do command -v "$tool" >/dev/null || die "$tool is missing"; done
pg_isready -q -h "$PGHOST_" -p "$PGPORT_" || die "PostgreSQL does not answer on $PGHOST_:$PGPORT_"

# ---- cleanup: servers, database, temp folder, whatever happens ------------------------------
WORKDIR=$(mktemp -d "${TMPDIR:-/tmp}/mkt-bench.XXXXXX")
DB=""
APP_PID=""
HELLO_PID=""
WRK_PID=""
FRESH_PID=""

stop_server() {  # pid: INT (quick shutdown) to the master, then KILL what is left of it and its workers
    local pid=$1 children i
    [ -n "$pid" ] || return 0
    children=$(pgrep -P "$pid" || true)
    kill -INT "$pid" 2>/dev/null || true
    for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    for child in $children; do kill -KILL "$child" 2>/dev/null || true; done
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ -n "$WRK_PID" ]; then kill -TERM "$WRK_PID" 2>/dev/null || true; wait "$WRK_PID" 2>/dev/null || true; fi
    stop_server "$HELLO_PID"
    stop_server "$APP_PID"
    stop_server "$FRESH_PID"
    if [ -n "$DB" ]; then
        dropdb --if-exists --force -h "$PGHOST_" -p "$PGPORT_" -U "$PGUSER_" "$DB" \
            || log "warning: could not drop database $DB"
    fi
    if [ "$rc" -ne 0 ]; then
        for f in "$WORKDIR"/*.log; do
            [ -s "$f" ] && { log "--- tail of $(basename "$f")"; tail -n 20 "$f" >&2; }
        done
    fi
    rm -rf "$WORKDIR"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- 2. database --------------------------------------------------------------------------------
DB="mkt_bench_$(date +%s)_$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n')"
createdb -h "$PGHOST_" -p "$PGPORT_" -U "$PGUSER_" "$DB"
log "database $DB"
export MARKETPLACE_DATABASE_URL="postgresql+psycopg://$PGUSER_@$PGHOST_:$PGPORT_/$DB"
export MARKETPLACE_INSTANCE_PATH="$WORKDIR/instance"
export MARKETPLACE_SECRET_KEY="bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"  # same key in every worker
mkdir -p "$MARKETPLACE_INSTANCE_PATH"
cd "$ROOT"
marketplace db upgrade >"$WORKDIR/setup.log" 2>&1
marketplace load-demo >>"$WORKDIR/setup.log" 2>&1
generated=$(python "$HERE/generate_offers.py" --count "$OFFERS" --probe "$WORD")
log "$generated"

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- 3. servers ---------------------------------------------------------------------------------
free_port() { python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
APP_PORT=$(free_port)
HELLO_PORT=$(free_port)
while [ "$HELLO_PORT" = "$APP_PORT" ]; do HELLO_PORT=$(free_port); done
GUNICORN_OPTS=(--workers "$WORKERS" --worker-class "$WORKER_CLASS" --threads "$THREADS"
               --worker-connections "$WORKER_CONNECTIONS" --log-level warning --worker-tmp-dir /dev/shm)

gunicorn "${GUNICORN_OPTS[@]}" -b "127.0.0.1:$APP_PORT" 'marketplace:create_app()' >"$WORKDIR/app.log" 2>&1 &
APP_PID=$!
gunicorn "${GUNICORN_OPTS[@]}" -b "127.0.0.1:$HELLO_PORT" --chdir "$HERE" 'hello_app:app' >"$WORKDIR/hello.log" 2>&1 &
HELLO_PID=$!
# The same application without the public page cache: what an anonymous visitor costs when the cache is cold,
# and what a signed-in member always costs (members never get the cache).
FRESH_PORT=$(free_port)
while [ "$FRESH_PORT" = "$APP_PORT" ] || [ "$FRESH_PORT" = "$HELLO_PORT" ]; do FRESH_PORT=$(free_port); done
MARKETPLACE_PUBLIC_CACHE_SECONDS=0 gunicorn "${GUNICORN_OPTS[@]}" -b "127.0.0.1:$FRESH_PORT" 'marketplace:create_app()' \
    >"$WORKDIR/fresh.log" 2>&1 &
FRESH_PID=$!
log "gunicorn ${GUNICORN_OPTS[*]}: app on :$APP_PORT (pid $APP_PID), hello on :$HELLO_PORT (pid $HELLO_PID)"

HELLO_URL="http://127.0.0.1:$HELLO_PORT/"
CATALOGUE_URL="http://127.0.0.1:$APP_PORT/catalogue"
UNCACHED_URL="http://127.0.0.1:$FRESH_PORT/catalogue"
FILTERED_URL="http://127.0.0.1:$APP_PORT/catalogue?q=$WORD&kind=service"
# A room's page with its live quote (a half day for 30 people on a Monday past the demo's bookings): never
# page-cached, as it holds the add-to-cart form.
ROOM_ID=$(psql -h "$PGHOST_" -p "$PGPORT_" -U "$PGUSER_" -d "$DB" -Atc "SELECT id FROM offer WHERE slug = 'la-cantine-salle'")
QUOTE_DAY=$(python -c "import datetime as d; t = d.date.today() + d.timedelta(days=42); print(t - d.timedelta(days=t.weekday()))")
OFFER_URL="http://127.0.0.1:$FRESH_PORT/offers/$ROOM_ID?date=$QUOTE_DAY&slot=half_day&people=30"

for url in "$HELLO_URL" "$CATALOGUE_URL" "$UNCACHED_URL"; do
    for i in $(seq 150); do
        curl -fsS -o /dev/null "$url" 2>/dev/null && break
        kill -0 "$APP_PID" 2>/dev/null && kill -0 "$HELLO_PID" 2>/dev/null || die "a server died at start-up"
        [ "$i" -eq 150 ] && die "$url does not answer after 30 s"
        sleep 0.2
    done
done

# sanity: the pages are what we think they are
catalogue_count=$(curl -fsS "$CATALOGUE_URL" | grep -oE '[0-9]+ offres' | head -n1 || true)
filtered_count=$(curl -fsS "$FILTERED_URL" | grep -oE '[0-9]+ offres?' | head -n1 || true)
# (read whole before grep: `grep -q` leaving early would make curl fail under pipefail)
offer_page=$(curl -fsS "$OFFER_URL") && grep -q "Total HT" <<<"$offer_page" || die "the room's page shows no quote: $OFFER_URL"
[ -n "$catalogue_count" ] || die "/catalogue does not show an offer count"
case "$filtered_count" in ""|"0 offre"*) die "the filtered catalogue finds nothing for q=$WORD";; esac
log "/catalogue: $catalogue_count, filtered: $filtered_count (24 per page)"

# a member of Mecabourg, signed in: their own prices on every card
JAR="$WORKDIR/member.cookies"
token=$(curl -fsS -c "$JAR" "http://127.0.0.1:$FRESH_PORT/login" \
        | grep -oE 'name="csrf_token" type="hidden" value="[^"]+"' | head -n1 | sed 's/.*value="//; s/"$//')
curl -fsS -b "$JAR" -c "$JAR" -o /dev/null --data-urlencode "email=$MEMBER_EMAIL" \
     --data-urlencode "password=demo-clusters-2026" --data-urlencode "csrf_token=$token" "http://127.0.0.1:$FRESH_PORT/login"
MEMBER_COOKIE=$(awk -F'\t' 'NF == 7 && $1 !~ /^# / {printf "%s=%s; ", $6, $7}' "$JAR")
member_page=$(curl -fsS -H "Cookie: $MEMBER_COOKIE" "$UNCACHED_URL") && grep -q "Se déconnecter" <<<"$member_page" \
    || die "the member is not signed in"
log "member $MEMBER_EMAIL signed in"

# ---- 4. load ------------------------------------------------------------------------------------
run_wrk() {  # name url duration [cookie]
    # in the background + wait, so that a signal reaches the cleanup trap at once
    local header=()
    [ -n "${4:-}" ] && header=(-H "Cookie: $4")
    wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$3" --timeout 10s --latency "${header[@]}" "$2" >"$WORKDIR/$1.wrk" 2>&1 &
    WRK_PID=$!
    wait "$WRK_PID" || { cat "$WORKDIR/$1.wrk" >&2; die "wrk failed on $2"; }
    WRK_PID=""
}
log "warm-up ($WARMUP per endpoint)"
run_wrk warm-hello "$HELLO_URL" "$WARMUP"
run_wrk warm-catalogue "$CATALOGUE_URL" "$WARMUP"
run_wrk warm-filtered "$FILTERED_URL" "$WARMUP"
run_wrk warm-uncached "$UNCACHED_URL" "$WARMUP"
run_wrk warm-member "$UNCACHED_URL" "$WARMUP" "$MEMBER_COOKIE"
run_wrk warm-offer "$OFFER_URL" "$WARMUP"
python "$HERE/cpu_others.py" snapshot >"$WORKDIR/cpu-before.json"
for name in hello catalogue filtered uncached member offer; do
    cookie=""
    case $name in hello) url=$HELLO_URL;; catalogue) url=$CATALOGUE_URL;; filtered) url=$FILTERED_URL;;
                  uncached) url=$UNCACHED_URL;; member) url=$UNCACHED_URL; cookie=$MEMBER_COOKIE;;
                  offer) url=$OFFER_URL;; esac
    log "wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION $url${cookie:+ (signed in)}"
    run_wrk "$name" "$url" "$DURATION" "$cookie"
done
for pid in "$APP_PID" "$HELLO_PID" "$FRESH_PID"; do kill -0 "$pid" 2>/dev/null || die "a server died under load"; done
others=$(python "$HERE/cpu_others.py" report "$WORKDIR/cpu-before.json" "$APP_PID" "$HELLO_PID" "$FRESH_PID" \
         || echo "?")

# ---- 5. report ----------------------------------------------------------------------------------
echo
echo "catalogue benchmark: $(nproc) CPUs, gunicorn ${GUNICORN_OPTS[*]:0:8}, wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION"
rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "?")
[ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ] && rev="$rev + uncommitted changes"
echo "code: $rev"
echo "noise: load average $LOAD_BEFORE before the servers started; $others"
echo "data: $catalogue_count on /catalogue, $filtered_count on ?q=$WORD&kind=service"
echo
python "$HERE/wrk_report.py" --connections "$CONNECTIONS" --goal uncached=10 --goal member=10 --goal offer=10 \
    hello="$WORKDIR/hello.wrk" catalogue="$WORKDIR/catalogue.wrk" filtered="$WORKDIR/filtered.wrk" \
    uncached="$WORKDIR/uncached.wrk" member="$WORKDIR/member.wrk" offer="$WORKDIR/offer.wrk"
