#!/usr/bin/env bash
# docs/deploy.md "Many hosts", followed on this machine: PostgreSQL (database ys_deploy on the
# local server), Redis for the rate limits (a private redis-server on port 6399), two gunicorn
# instances on ports 8201 and 8202 standing for two web hosts, two scheduler processes.
#
#   bash faults/two_hosts.sh
#
# An issue is created through one instance and acted on through the other; one scheduler
# leads and the other stands by, and takes over when the leader is killed; reminders planned
# by two racing `reminders tick` runs (one per "host") go out once each. Everything started
# here is stopped, and the database dropped, at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_ADMIN=${YS_DEPLOY_PG_ADMIN:-postgresql://postgres@127.0.0.1:5432/postgres}
DB=ys_deploy
WORK=/tmp/ys_two_hosts
FLASK=".venv/bin/flask --app app"
PIDS=()

psql_admin() { psql "$PG_ADMIN" -qAt -c "$1"; }
psql_db() { psql "${PG_ADMIN%/*}/$DB" -qAt -F ' | ' -c "$1"; }
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  psql_admin "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$DB'" >/dev/null || true
  psql_admin "DROP DATABASE IF EXISTS $DB" || true
  echo "cleaned up: processes stopped, database $DB dropped"
}
trap cleanup EXIT

rm -rf "$WORK" && mkdir -p "$WORK"
psql_admin "DROP DATABASE IF EXISTS $DB"
psql_admin "CREATE DATABASE $DB"

# --- the settings every host shares (docs/deploy.md, Settings) -------------------------------
export DATABASE_URL="${PG_ADMIN%/*}/$DB"
export SECRET_KEY=two-hosts-demo-secret-0123456789
export PUBLIC_BASE_URL=https://ys.example.gov.cn
export REDIS_URL=redis://127.0.0.1:6399/0
export SMS_BACKEND=console
export SCHEDULER_LEADER_RETRY=2
export LOG_LEVEL=INFO

redis-server --port 6399 --bind 127.0.0.1 --save '' --appendonly no >"$WORK/redis.log" 2>&1 &
PIDS+=($!)

# --- schema and people, once, from any host ----------------------------------------------------
$FLASK init-db 2>"$WORK/init-db.log"
dept=$($FLASK create-department FGJ 县发改局 --phone 0915-3212001 | sed -E 's/.*id=([0-9]+).*/\1/')
for spec in "op operator" "coord coordinator" "lead leader"; do
  set -- $spec
  $FLASK create-user "$1" --role "$2" --password Deploy-pass-2026 --phone 13700000001 >/dev/null
done
$FLASK create-user fgj --role department --department FGJ --password Deploy-pass-2026 --phone 13700001111 >/dev/null
leader=$(psql_db "SELECT id FROM user_account WHERE username = 'lead'")

# --- two web hosts and two schedulers ------------------------------------------------------------
for port in 8201 8202; do
  PORT=$port WEB_CONCURRENCY=2 .venv/bin/gunicorn -c gunicorn.conf.py >"$WORK/web-$port.log" 2>&1 &
  PIDS+=($!)
done
for n in 1 2; do
  $FLASK scheduler >"$WORK/scheduler-$n.out" 2>"$WORK/scheduler-$n.log" &
  PIDS+=($!)
  sleep 2
done
SCHED1=${PIDS[3]}
SCHED2=${PIDS[4]}
for port in 8201 8202; do
  for _ in $(seq 60); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.5; done
  echo "host :$port /readyz → $(curl -s "http://127.0.0.1:$port/readyz")"
done

A=http://127.0.0.1:8201
B=http://127.0.0.1:8202
token() { curl -sf "$1/api/v1/auth/token" -H 'Content-Type: application/json' \
            -d "{\"username\":\"$2\",\"password\":\"Deploy-pass-2026\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'; }
OP=$(token $A op); COORD=$(token $B coord); FGJ=$(token $A fgj)
post() { curl -s -o "$WORK/last.json" -w '%{http_code}' "$1" -H "Authorization: Bearer $2" \
           -H 'Content-Type: application/json' -d "$3"; }

code=$(post $A/api/v1/issues "$OP" '{"title":"园区道路破损影响货车通行","content":"工业园区东路路面塌陷，请协调修复。","channel":"hotline","type":"help","township":"城关镇","reporter":{"name":"王建国","phone":"13812345678","kind":"person"}}')
issue=$(python3 -c 'import json; print(json.load(open("'"$WORK"'/last.json"))["id"])')
echo "created through :8201  → HTTP $code, issue id $issue"
code=$(post $B/api/v1/issues/$issue/actions/assign "$COORD" "{\"lead_department_id\":$dept,\"lead_leader_id\":$leader,\"responsible_person\":\"李明\",\"responsible_phone\":\"13700001111\",\"note\":\"请尽快办理\"}")
echo "assigned through :8202 → HTTP $code"
code=$(post $A/api/v1/issues/$issue/actions/accept "$FGJ" '{"note":"已签收"}')
echo "accepted through :8201 → HTTP $code"
echo "timeline read through :8202: $(curl -s $B/api/v1/issues/$issue/events -H "Authorization: Bearer $COORD" \
  | python3 -c 'import json,sys; print(" → ".join(e.get("action") or e.get("kind") or "?" for e in json.load(sys.stdin)["items"]))')"

# Rate limits are shared through Redis: 12 look-ups alternating between the hosts exceed the
# budget of 10 a minute per client (with per-worker memory it would be 10 for each of 4 workers).
codes=""
for i in $(seq 12); do
  host=$([ $((i % 2)) = 0 ] && echo $A || echo $B)
  codes+="$(curl -s -o /dev/null -w '%{http_code}' "$host/api/v1/public/track" -H 'Content-Type: application/json' \
             -d '{"code":"YS2026-000001","phone_last4":"5678"}') "
done
echo "12 tracking look-ups, alternating hosts: $codes"
case "$codes" in *429*) echo "  → the shared limit (Redis) applies across hosts";; *) echo "  → limit NOT shared"; exit 1;; esac

echo
echo "schedulers:"
grep -h -o '"message": "[^"]*调度[^"]*"' "$WORK"/scheduler-1.log | sed 's/^/  scheduler 1: /' | head -3
grep -h -o '"message": "[^"]*\(调度\|待命\)[^"]*"' "$WORK"/scheduler-2.log | sed 's/^/  scheduler 2: /' | head -3
echo "  lock holders in pg_locks: $(psql_db "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 1498611713 AND granted")"
if grep -q 成为调度主进程 "$WORK/scheduler-1.log"; then LEADER=$SCHED1; OTHER=2; else LEADER=$SCHED2; OTHER=1; fi
kill -9 "$LEADER"
for _ in $(seq 40); do grep -q 成为调度主进程 "$WORK/scheduler-$OTHER.log" && break; sleep 0.25; done
echo "  leader killed; scheduler $OTHER: $(grep -h -o '"message": "[^"]*成为调度主进程[^"]*"' "$WORK/scheduler-$OTHER.log" || echo 'did NOT take over')"

echo
# Two hosts plan and send reminders at the same moment, weeks after the deadlines.
later=$(date -d '+45 days' +%Y-%m-%dT10:00:00+08:00)
$FLASK reminders tick --now "$later" >"$WORK/tick-a.out" 2>/dev/null &
ta=$!
$FLASK reminders tick --now "$later" >"$WORK/tick-b.out" 2>/dev/null &
tb=$!
wait $ta $tb
echo "tick on host A: $(tail -1 "$WORK/tick-a.out")"
echo "tick on host B: $(tail -1 "$WORK/tick-b.out")"
echo
echo "outbox (dedupe key | status | rows):"
psql_db "SELECT dedupe_key, status, count(*) FROM sms_outbox GROUP BY dedupe_key, status ORDER BY dedupe_key" | sed 's/^/  /'
dups=$(psql_db "SELECT count(*) FROM (SELECT dedupe_key FROM sms_outbox GROUP BY dedupe_key HAVING count(*) > 1) d")
unsent=$(psql_db "SELECT count(*) FROM sms_outbox WHERE status NOT IN ('sent', 'delivered')")
rows=$(psql_db "SELECT count(*) FROM sms_outbox")
printed=$(cat "$WORK"/tick-*.out "$WORK"/scheduler-*.out | grep -c '^\[短信 ' || true)
echo "outbox rows: $rows, duplicate keys: $dups, not sent: $unsent, SMS printed by all processes: $printed"
if [ "$dups" = 0 ] && [ "$unsent" = 0 ] && [ "$printed" = "$rows" ]; then
  echo "OK: every message went out once"
else
  echo "FAILED"; exit 1
fi
