#!/usr/bin/env bash
# Two app servers (gunicorn + worker each) on one PostgreSQL and Redis, one killed with SIGKILL mid-sale:
# prints the counts and PASS/FAIL per check (exit 1 on FAIL). See bench/README.md; options go to scaleout.py.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VENV=${BENCH_VENV:-${VIRTUAL_ENV:-}}
if [ -n "$VENV" ] && [ -d "$VENV/bin" ]; then PATH="$VENV/bin:$PATH"; fi
exec python "$HERE/scaleout.py" "$@"
