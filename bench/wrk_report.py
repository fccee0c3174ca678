"""Parse wrk --latency outputs and print the catalogue benchmark table (used by bench/catalogue.sh).

Usage: python bench/wrk_report.py hello=FILE catalogue=FILE filtered=FILE [--connections 32]

Prints endpoint, requests/s, p99 latency, the ratios to the hello baseline and the goals with
PASS/FAIL. Exit status: 0 whatever the goals say (a measurement, not a test); 1 when a run is
unusable (no requests, non-2xx/3xx responses, unparsable output).
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass

RATIO_GOAL = 35.0  # % of the hello baseline's requests/s
P99_GOAL_MS = 100.0

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_COUNT_SUFFIX = {"": 1, "k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9}


@dataclass
class Run:
    name: str
    rps: float
    p99_ms: float
    p50_ms: float
    requests: int
    non_2xx: int
    socket_errors: dict[str, int]


def _duration_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if not match:
        raise ValueError(f"unknown duration {text!r}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def parse(name: str, output: str) -> Run:
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    total = re.search(r"^\s+(\d+) requests in", output, re.M)
    if not (rps and p99 and p50 and total):
        raise ValueError(f"{name}: cannot parse wrk output (was --latency given?)\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    socket_errors = dict(zip(("connect", "read", "write", "timeout"), map(int, errors.groups()), strict=True)) if errors else {}
    return Run(name, float(rps.group(1)), _duration_ms(p99.group(1)), _duration_ms(p50.group(1)),
               int(total.group(1)), int(non_2xx.group(1)) if non_2xx else 0, socket_errors)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="wrk outputs to the benchmark table")
    parser.add_argument("runs", nargs="+", help="name=path of a wrk --latency output; the first is the baseline")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--goal", action="append", default=[], metavar="NAME=PERCENT",
                        help=f"a run's own goal in % of the baseline (default {RATIO_GOAL:.0f})")
    args = parser.parse_args(argv)
    goals = {name: float(value) for name, _, value in (item.partition("=") for item in args.goal)}
    try:
        runs = []
        for item in args.runs:
            name, _, path = item.partition("=")
            with open(path, encoding="utf-8") as handle:
                runs.append(parse(name, handle.read()))
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    base = runs[0]
    width = max(len(r.name) for r in runs) + 2
    print(f"{'endpoint':<{width}}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'% of ' + base.name:>14}")
    for run in runs:
        ratio = 100 * run.rps / base.rps if base.rps else 0.0
        print(f"{run.name:<{width}}{run.rps:>10.1f}{run.p50_ms:>10.1f}{run.p99_ms:>10.1f}{ratio:>13.1f}%")
    print()
    print(f"goals (at {args.connections} connections):")
    for run in runs[1:]:
        ratio = 100 * run.rps / base.rps if base.rps else 0.0
        goal = goals.get(run.name, RATIO_GOAL)
        verdict = "PASS" if ratio >= goal else "FAIL"
        print(f"  {run.name + '/' + base.name + ' req/s':<34} {ratio:6.1f} %  goal >= {goal:.0f} %   {verdict}")
    for run in runs[1:]:
        verdict = "PASS" if run.p99_ms < P99_GOAL_MS else "FAIL"
        print(f"  {run.name + ' p99':<34} {run.p99_ms:6.1f} ms goal < {P99_GOAL_MS:.0f} ms  {verdict}")
    broken = False
    for run in runs:
        errors = {k: v for k, v in run.socket_errors.items() if v}
        if errors:
            print(f"note: {run.name}: socket errors {errors} (timeouts are left out of wrk's latency figures)")
        if run.non_2xx or run.requests == 0:
            print(f"error: {run.name}: {run.non_2xx} non-2xx/3xx responses out of {run.requests}", file=sys.stderr)
            broken = True
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
