#!/usr/bin/env bash
# Make sure the local PostgreSQL server the tests use is up (127.0.0.1:5432, user postgres).
set -euo pipefail
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  exit 0
fi
if ls /etc/postgresql >/dev/null 2>&1; then
  echo "PostgreSQL is down; starting it" >&2
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done
fi
echo "PostgreSQL is not reachable at 127.0.0.1:5432; set YS_TEST_DB=sqlite to test on SQLite only" >&2
exit 1
