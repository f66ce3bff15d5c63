"""How many threads a CPU backend should use right now.

ctransformers' llama.cpp (2023) busy-waits its worker threads: with one core taken by another program,
two threads generated 5x slower than one on this 2-core machine (measured with `python -m rag.bench`).
So, unless the user fixes a number, each generation uses the cores that are idle at that moment.
"""

from __future__ import annotations

import os
import time

SAMPLE_SECONDS = 0.05


def _cpu_times() -> tuple[int, int] | None:
    """(idle, total) jiffies over all CPUs from /proc/stat; None where there is no /proc."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(value) for value in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return idle, sum(fields)


def idle_cores(sample_seconds: float = SAMPLE_SECONDS) -> float | None:
    """Cores idle over a short sample, or None when it cannot be measured."""
    before = _cpu_times()
    if before is None:
        return None
    time.sleep(sample_seconds)
    after = _cpu_times()
    total = after[1] - before[1]
    if total <= 0:
        return None
    return (after[0] - before[0]) / total * (os.cpu_count() or 1)


def threads_for_now(fixed: int | None) -> int:
    """`fixed` when the user set it; otherwise the idle cores (at least one, at most all)."""
    if fixed:
        return fixed
    cores = os.cpu_count() or 1
    idle = idle_cores()
    if idle is None:
        return cores
    return max(1, min(cores, int(idle + 0.5)))
