#!/usr/bin/env bash
# The whole suite on SQLite, then on PostgreSQL beside the browser tests; ends with one line adding up all
# three.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/zhengwu}
REPORTS=var/test-reports
rm -rf "$REPORTS" && mkdir -p "$REPORTS"
status=0
phase() {  # the time the last phase took, and the load it ran under (a busy machine makes every phase slower)
  echo "-- $1 took $((SECONDS - phase_started)) s (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  phase_started=$SECONDS
}
phase_started=$SECONDS
# Python keeps the bytecode it compiles, and pytest the test modules it rewrites, in __pycache__ (git ignores them):
# with PYTHONDONTWRITEBYTECODE set, as on some machines, every test process compiled the whole project again (~6 s of
# CPU each, and there are a dozen of them: xdist workers, browser tests, servers).
unset PYTHONDONTWRITEBYTECODE

# The task tests also run on Redis/RQ (a database of its own, ZHENGWU_TEST_REDIS_URL, default db 13)
redis-cli -u "${ZHENGWU_TEST_REDIS_URL:-redis://127.0.0.1:6379/13}" ping >/dev/null 2>&1 \
  || echo "!! no Redis on 127.0.0.1:6379: the task tests on the RQ backend are SKIPPED (start redis-server)"

# Every test database is a copy of one migrated template per engine (tests/dbtemplate.py). Both are migrated here,
# side by side (one core each), before the suites start, instead of once per worker and phase.
echo "== migrations: the test templates for SQLite and PostgreSQL"
pg_ok=1
if [ "${ZHENGWU_SKIP_PG:-0}" != "1" ]; then bash scripts/ensure-postgres.sh || pg_ok=0; fi
env -u DATABASE_URL $BIN/python -m tests.dbtemplate & sqlite_template=$!
# meanwhile the test modules are collected once, so the runs below find them compiled and rewritten
env -u DATABASE_URL $BIN/pytest --collect-only -q -p no:cacheprovider > /dev/null 2>&1 & collected=$!
if [ "${ZHENGWU_SKIP_PG:-0}" != "1" ] && [ $pg_ok = 1 ]; then
  DATABASE_URL=$PG_URL $BIN/python -m tests.dbtemplate || status=1
fi
wait $sqlite_template || status=1
wait $collected
phase "migrations"

# The SQLite run first, alone; then the PostgreSQL run beside the browser tests (docs/testing.md). Each suite keeps
# both cores busy on its own, and the browser tests wait on Chromium more than they compute (105 s of CPU in 220 s).
# All three side by side, as before, took 841 s and 1,301 s of CPU where this order took 467 s and 699 s (with
# core.prepared, which took a tenth off each suite's CPU): six busy processes on two cores spend far more CPU on the
# same tests.
started_all=$SECONDS
echo "== 1/3 whole suite on SQLite"
env -u DATABASE_URL $BIN/pytest -m "not e2e" -n 2 --dist loadgroup -q -p no:cacheprovider --junitxml="$REPORTS/sqlite.xml" || status=1
phase "SQLite"

echo "== 3/3 browser tests (Playwright + Debian chromium): started beside the PostgreSQL run, reported at the end"
env -u DATABASE_URL $BIN/pytest -m e2e -q -p no:cacheprovider --junitxml="$REPORTS/browser.xml" \
  > "$REPORTS/browser.log" 2>&1 &
browser=$!
trap 'kill $browser 2>/dev/null; exit 130' INT TERM
if [ "${ZHENGWU_SKIP_PG:-0}" = "1" ]; then
  echo "!! ZHENGWU_SKIP_PG=1: PostgreSQL run SKIPPED — this run does not prove the production database works"
elif [ $pg_ok = 1 ]; then
  echo "== 2/3 whole suite on PostgreSQL"
  # its Redis task tests use a Redis database of their own (the SQLite run's is db 13)
  DATABASE_URL=$PG_URL ZHENGWU_TEST_REDIS_URL=${ZHENGWU_TEST_REDIS_URL_PG:-redis://127.0.0.1:6379/14} \
    $BIN/pytest -m "not e2e" -n 2 --dist loadgroup -q -p no:cacheprovider --junitxml="$REPORTS/postgresql.xml" \
    || status=1
  [ -f "$REPORTS/postgresql.xml" ] || { echo "!! the PostgreSQL run wrote no report"; status=1; }
  phase "PostgreSQL (beside the browser tests)"
else
  status=1
fi

echo "== 3/3 browser tests (Playwright + Debian chromium)"
wait $browser || status=1
cat "$REPORTS/browser.log"
[ -f "$REPORTS/browser.xml" ] || { echo "!! the browser tests wrote no report"; status=1; }
phase "then waiting for the browser tests"
echo "-- the three runs took $((SECONDS - started_all)) s (full logs in $REPORTS/)"

$BIN/python scripts/sum_reports.py "$REPORTS"/*.xml || status=1
# CPU time of the three runs (user, system): a busy machine stretches the wall clock more than it does this.
# (bash's `times` misses children reaped by `wait`; the kernel's count for this shell does not)
awk -v hz="$(getconf CLK_TCK)" '{printf "cpu time of the tests: user %.0f s, system %.0f s\n", $16/hz, $17/hz}' /proc/$$/stat
exit $status
