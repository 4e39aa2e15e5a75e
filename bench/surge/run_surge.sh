#!/usr/bin/env bash
# The deadline surge on PostgreSQL with the production server (gunicorn, config.settings.prod)
# and the task worker (DESIGN.md §5, issue 15 §3).
#
#   bench/surge/run_surge.sh                      # full form: 500 firms arriving within 60 s
#   bench/surge/run_surge.sh --users 100 --window 20   # short form (CI)
#   bench/surge/run_surge.sh --results bench/surge/RESULTS.md --cap 1800   # wait up to 30 min
#
# Builds a fresh database (DROP + CREATE) named by SURGE_DATABASE_URL (default
# postgres://postgres@127.0.0.1:5432/zjtx_surge), loads reference, policy and demo data,
# prepares the firms (setup_surge.py), starts gunicorn on 127.0.0.1:$SURGE_PORT and
# `manage.py db_worker`, runs locust headless (locustfile.py), then checks the database
# (check_surge.py): exit 0 only with 0 errors, 0 lost, 0 duplicated and an intact audit chain.
# Everything it starts it stops again; all traffic stays on the loopback address.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
USERS=500
WINDOW=60
OFFICERS=6
RESULTS=""
CAP=""
while [ $# -gt 0 ]; do
  case "$1" in
    --users) USERS=$2; shift 2 ;;
    --window) WINDOW=$2; shift 2 ;;
    --officers) OFFICERS=$2; shift 2 ;;
    --results) RESULTS=$2; shift 2 ;;
    --cap) CAP=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
PORT=${SURGE_PORT:-8123}
DB_URL=${SURGE_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/zjtx_surge}
DB_NAME=${DB_URL##*/}
ADMIN_URL=${DB_URL%/*}/postgres
WORK=bench/surge/var
mkdir -p "$WORK"
rm -f "$WORK"/locust_* "$WORK"/timing.json "$WORK"/anchors.jsonl

say() { printf '[surge %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
rand() { head -c 48 /dev/urandom | base64 | tr -d '/+=\n'; }

export PYTHONPATH="$ROOT/bench/surge:$ROOT"
export DJANGO_SETTINGS_MODULE=surge_settings
export DATABASE_URL=$DB_URL
export ZJTX_SECRET_KEY="surge-$(rand)"
export ZJTX_AUDIT_HMAC_KEY="surge-$(rand)"
export ZJTX_SM4_KEYS="surge1:$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export ZJTX_BLIND_INDEX_KEY="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export ZJTX_ALLOWED_HOSTS=127.0.0.1,localhost
export ZJTX_AUDIT_ANCHOR_PATH="$ROOT/$WORK/anchors.jsonl"
export ZJTX_METRICS_DIR="$ROOT/$WORK/metrics"
export ZJTX_MEDIA_ROOT="$ROOT/$WORK/uploads"
export ZJTX_LOG_LEVEL=${ZJTX_LOG_LEVEL:-INFO}
export GUNICORN_BIND=127.0.0.1:$PORT
PY=.venv/bin/python

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

say "fresh database $DB_NAME"
$PY - "$ADMIN_URL" "$DB_NAME" <<'PYEOF'
import sys, psycopg
with psycopg.connect(sys.argv[1], autocommit=True) as conn:
    conn.execute(f'DROP DATABASE IF EXISTS "{sys.argv[2]}" WITH (FORCE)')
    conn.execute(f'CREATE DATABASE "{sys.argv[2]}"')
PYEOF
rm -rf "$WORK/uploads" "$WORK/metrics"
$PY manage.py migrate --noinput -v0
$PY manage.py load_reference >/dev/null
$PY manage.py load_policies >/dev/null
say "demo data"
$PY manage.py seed_demo >/dev/null
say "preparing $USERS firms"
$PY bench/surge/setup_surge.py --users "$USERS"
$PY manage.py audit_anchor >/dev/null

WORKERS=${GUNICORN_WORKERS:-$((2 * $(nproc) + 1))}
say "gunicorn ($WORKERS workers x ${GUNICORN_THREADS:-1} threads) and the task worker"
.venv/bin/gunicorn -c config/gunicorn.conf.py config.wsgi >"$WORK/gunicorn.log" 2>&1 &
PIDS+=($!)
$PY manage.py db_worker --queue-name '*' --interval 1 >"$WORK/worker.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 1
done
curl -fsS "http://127.0.0.1:$PORT/healthz/detail" && echo

TOTAL=$((USERS + OFFICERS + 1))
# Every firm starts within 90 % of the window; officers and the trivial page start first.
RATE=$(awk -v n="$USERS" -v w="$WINDOW" 'BEGIN { printf "%.2f", n / (w * 0.9) }')
# The run ends when every firm is done, or at this cap (seconds).
LIMIT=${CAP:-$((WINDOW * 6 + 60))}
say "locust: $USERS firms at $RATE/s, $OFFICERS officers, 1 trivial-page user (cap ${LIMIT}s)"
SURGE_OFFICERS=$OFFICERS SURGE_TIMING="$WORK/timing.json" .venv/bin/locust \
  -f bench/surge/locustfile.py --headless --host "http://127.0.0.1:$PORT" \
  -u "$TOTAL" -r "$RATE" -t "${LIMIT}s" --stop-timeout 10 \
  --csv "$WORK/locust" --only-summary --loglevel WARNING >"$WORK/locust.log" 2>&1 || true
LOAD_DURING=$(cut -d' ' -f1-3 /proc/loadavg)
tail -n 5 "$WORK/locust.log" || true
curl -fsS "http://127.0.0.1:$PORT/healthz/detail" && echo
cleanup
PIDS=()

say "checking the database"
set +e
REPORT=$($PY bench/surge/check_surge.py --csv "$WORK/locust" --window "$WINDOW" \
  --server-log "$WORK/gunicorn.log" --load "$LOAD_DURING")
STATUS=$?
set -e
echo "$REPORT"
if [ -n "$RESULTS" ]; then
  {
    echo "# Deadline surge — results"
    echo
    echo "Run on $(date -u '+%Y-%m-%d %H:%M UTC') on this machine ($(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB),"
    echo "PostgreSQL $(psql --version | awk '{print $3}'), gunicorn $WORKERS workers × ${GUNICORN_THREADS:-1} threads"
    echo "(config.settings.prod behind no TLS: bench/surge/surge_settings.py), the database task"
    echo "worker, and locust on the same two cores. Command: \`bench/surge/run_surge.sh --users $USERS --window $WINDOW\`."
    echo
    echo "$REPORT"
  } >"$RESULTS"
  say "written to $RESULTS"
fi
exit $STATUS
