#!/usr/bin/env bash
# Debian packages Zhengwu needs: a CJK font, Pango and HarfBuzz's subsetter for PDFs (WeasyPrint), poppler-utils to check PDFs, libnss3-tools (certutil) for pdfsig's trust store,
# Chromium for the browser tests (with --browser) and libfaketime for `make test-dates` (with --dates).
# Installs what is missing when run as root; otherwise says what.
set -euo pipefail
browser=0; dates=0
for arg in "$@"; do
  case "$arg" in
    --browser) browser=1 ;;
    --dates) browser=1; dates=1 ;;
  esac
done
need=()
fonts=$(fc-list 2>/dev/null || true); libs=$(ldconfig -p 2>/dev/null || true)
grep -qi "Noto Sans CJK SC" <<<"$fonts" || need+=(fonts-noto-cjk)
grep -q libpangoft2-1.0 <<<"$libs" || need+=(libpango-1.0-0 libpangoft2-1.0-0)
# HarfBuzz's subsetter: without it WeasyPrint falls back to fontTools, which walks every glyph of a CJK font in Python
# (8–9 s of CPU for a page in Noto Serif and Sans CJK, against 0.1 s with HarfBuzz)
grep -q libharfbuzz-subset <<<"$libs" || need+=(libharfbuzz-subset0)
command -v pdffonts >/dev/null || need+=(poppler-utils)
# certutil builds the NSS trust store pdfsig checks licence signatures against (tests/licences)
command -v certutil >/dev/null || need+=(libnss3-tools)
[ $browser = 1 ] && { [ -x /usr/bin/chromium ] || need+=(chromium); }
# Redis for the task tests on the RQ backend (tests/cases/test_task_backends.py), with the test setup
[ $browser = 1 ] && { command -v redis-server >/dev/null || need+=(redis-server); }
[ $dates = 1 ] && { command -v faketime >/dev/null || need+=(faketime); }
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing Debian packages: ${need[*]}"
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO=sudo; else
    echo "缺少系统软件包 (missing system packages): ${need[*]} — run as root: apt-get install ${need[*]}" >&2
    exit 1
  fi
else SUDO=""; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
