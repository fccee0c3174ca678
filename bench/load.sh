#!/usr/bin/env bash
# A mixed load (browse, quote, member pages, API orders) for 60 s at 32 connections next to a bare Flask hello:
# throughput, p50/p99, answers by status, zero errors and zero oversell checked. See bench/README.md.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VENV=${BENCH_VENV:-${VIRTUAL_ENV:-}}
if [ -n "$VENV" ] && [ -d "$VENV/bin" ]; then PATH="$VENV/bin:$PATH"; fi
command -v wrk >/dev/null || { apt-get install -y wrk >/dev/null 2>&1 || { echo "wrk is missing" >&2; exit 1; }; }
exec python "$HERE/load.py" "$@"
