"""CPU time of the processes a benchmark drives, read from /proc: a figure per event or message
that does not depend on what else the machine runs at the same time."""

import os
from collections.abc import Callable
from pathlib import Path


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def snapshot(matches: Callable[[str], bool]) -> dict[int, float]:
    """{pid: CPU seconds} of the running processes whose command line `matches`."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if matches(command.strip()):
                found[int(entry.name)] = process_cpu_seconds(int(entry.name))
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue  # ended meanwhile
    return found


def spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two snapshots (a process that started meanwhile: all of it;
    one that ended meanwhile is not counted)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def machine_busy_seconds() -> float:
    """CPU seconds every process of the machine has used since boot (all cores, from
    /proc/stat), to tell how much of a run's time other programs took."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")
