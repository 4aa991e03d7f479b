#!/usr/bin/env bash
# The suite under moved system clocks (libfaketime, Debian package `faketime`): no test may pass or fail because of
# the day it runs, and the demo must load and make sense on any day. For each moment (China time) it runs the whole
# suite on SQLite, the browser tests, and `zhengwu demo` into a fresh database, as `make run` would on that day.
#   bash scripts/test-dates.sh                      # the three moments below
#   bash scripts/test-dates.sh "2029-10-01 08:00"   # moments of your own
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
unset PYTHONDONTWRITEBYTECODE  # keep compiled bytecode between the runs (scripts/test.sh says why)
MOMENTS=("$@")
if [ ${#MOMENTS[@]} -eq 0 ]; then
  MOMENTS=(
    "2026-12-31 23:30"  # New Year's Eve, half an hour before midnight in China (15:30 UTC)
    "2027-02-08 10:00"  # the 2027 Spring Festival: a year the calendar does not know yet
    "2028-02-29 10:00"  # a leap day two years on
  )
fi
command -v faketime >/dev/null || { echo "faketime 未安装 (Debian package faketime): scripts/system-deps.sh --dates" >&2; exit 1; }
status=0
summary=()
for moment in "${MOMENTS[@]}"; do
  started=$SECONDS
  echo "== system clock at $moment (Asia/Shanghai)"
  clock=(faketime "$moment:00 +0800")
  "${clock[@]}" date -R
  failed=()
  # ZHENGWU_DEMO_AT_SYSTEM_TIME: the demo test loads the demo at the (faked) system time, not at its three fixed moments
  # (make test checks those; they are the same whatever the system clock says).
  # the suite alone, then the browser tests beside the demo's load (scripts/test.sh says why: more busy processes than
  # cores cost more CPU for the same tests); the browser tests' log printed when they end
  ZHENGWU_DEMO_AT_SYSTEM_TIME=1 "${clock[@]}" env -u DATABASE_URL $BIN/pytest -m "not e2e" -n 2 --dist loadgroup \
    -q -p no:cacheprovider || failed+=("suite")
  browser_log=$(mktemp)
  "${clock[@]}" env -u DATABASE_URL $BIN/pytest -m e2e -q -p no:cacheprovider > "$browser_log" 2>&1 & browser=$!
  demo_dir=$(mktemp -d)
  if ! ZHENGWU_VAR_DIR=$demo_dir "${clock[@]}" bash -c \
      "env -u DATABASE_URL $BIN/zhengwu migrate --noinput -v 0 && env -u DATABASE_URL $BIN/zhengwu demo > $demo_dir/demo.log"; then
    failed+=("demo"); cat "$demo_dir/demo.log" >&2 || true
  fi
  rm -rf "$demo_dir"
  wait $browser || failed+=("browser")
  cat "$browser_log"; rm -f "$browser_log"
  if [ ${#failed[@]} -eq 0 ]; then
    summary+=("$moment: passed ($((SECONDS - started)) s)")
  else
    summary+=("$moment: FAILED: ${failed[*]} ($((SECONDS - started)) s)"); status=1
  fi
done
printf '%s\n' "${summary[@]}"
exit $status
