#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on 127.0.0.1:5432; start the local cluster when it is installed but stopped.
set -uo pipefail
answers() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || psql -h 127.0.0.1 -U postgres -Atc 'select 1' >/dev/null 2>&1; }
if answers; then exit 0; fi
if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
  for v in $(ls /etc/postgresql); do
    echo "PostgreSQL $v is stopped: starting it"
    pg_ctlcluster --skip-systemctl-redirect "$v" main start 2>&1 || true
  done
  for _ in $(seq 1 20); do answers && exit 0; sleep 0.5; done
fi
cat >&2 <<'MSG'
************************************************************************
*  PostgreSQL is not available on 127.0.0.1:5432 and could not be      *
*  started. The suite must also pass on PostgreSQL (the production      *
*  database). Install and start it, or set ZHENGWU_SKIP_PG=1 to skip.  *
************************************************************************
MSG
exit 1
