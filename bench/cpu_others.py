"""How much CPU other processes took while the benchmark ran (Linux /proc), to flag noisy runs.

    python bench/cpu_others.py snapshot > before.json
    ... load ...
    python bench/cpu_others.py report before.json PID [PID...]

`report` counts as the benchmark's own: the given PIDs and their descendants (the gunicorn
masters and workers), wrk and PostgreSQL processes. It prints one line: the CPU the others used
during the interval, in % of one core, and the busiest of them.
"""

from __future__ import annotations

import json
import os
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")


def snapshot() -> dict:
    processes = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="utf-8", errors="replace") as handle:
                raw = handle.read()
            with open(f"/proc/{name}/cmdline", "rb") as handle:
                cmdline = handle.read().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        comm = raw[raw.index("(") + 1:raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2:].split()
        ppid, cpu = int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS
        processes[name] = {"comm": comm, "ppid": ppid, "cpu": cpu, "cmd": cmdline[:60] or comm}
    return {"time": time.monotonic(), "processes": processes}


def report(before: dict, own_pids: set[int]) -> str:
    after = snapshot()
    elapsed = after["time"] - before["time"]
    procs = after["processes"]
    own = {str(p) for p in own_pids}
    changed = True
    while changed:  # descendants of the given pids
        changed = False
        for pid, info in procs.items():
            if pid not in own and str(info["ppid"]) in own:
                own.add(pid)
                changed = True
    others = []
    for pid, info in procs.items():
        if pid in own or pid == str(os.getpid()) or info["comm"] in ("wrk", "postgres") or info["comm"].startswith("postgres"):
            continue
        used = info["cpu"] - before["processes"].get(pid, {"cpu": 0.0})["cpu"]
        if pid in before["processes"] and before["processes"][pid]["comm"] != info["comm"]:
            used = info["cpu"]  # pid reused
        if used > 0:
            others.append((used, info["cmd"]))
    total = sum(u for u, _c in others)
    others.sort(reverse=True)
    busiest = ", ".join(f"{cmd} ({100 * u / elapsed:.0f} %)" for u, cmd in others[:3] if u / elapsed >= 0.02)
    return (f"other processes used {100 * total / elapsed:.0f} % of one core during the {elapsed:.0f} s of load"
            + (f": {busiest}" if busiest else ""))


def main(argv: list[str]) -> int:
    if argv[:1] == ["snapshot"]:
        json.dump(snapshot(), sys.stdout)
        return 0
    if argv[:1] == ["report"] and len(argv) >= 2:
        with open(argv[1], encoding="utf-8") as handle:
            before = json.load(handle)
        print(report(before, {int(p) for p in argv[2:] if p}))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
