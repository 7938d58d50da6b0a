"""The bench's table (median [min-max] per program and their ratio) and the machine it ran on."""

from __future__ import annotations

import os
import platform
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import newsboat as nb


def summary(values: Sequence[float]) -> dict[str, float] | None:
    if not values:
        return None
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
    }


def cell(stats: dict[str, float] | None, digits: int) -> str:
    if stats is None:
        return "–"
    if stats["n"] == 1:
        return f"{stats['median']:.{digits}f}"
    return f"{stats['median']:.{digits}f} [{stats['min']:.{digits}f}-{stats['max']:.{digits}f}]"


class Table:
    """Rows of (scenario, unit, reader values, newsboat values, digits)."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(
        self,
        scenario: str,
        unit: str,
        ours: Sequence[float],
        theirs: Sequence[float],
        digits: int = 2,
    ) -> None:
        self.rows.append(
            {"scenario": scenario, "unit": unit, "reader": summary(ours), "newsboat": summary(theirs),
             "digits": digits, "reader_runs": list(ours), "newsboat_runs": list(theirs)}
        )  # fmt: skip

    def markdown(self) -> str:
        lines = ["| scenario | reader median [min-max] | newsboat median [min-max] | ratio |",
                 "| --- | ---: | ---: | ---: |"]  # fmt: skip
        for row in self.rows:
            ours, theirs = row["reader"], row["newsboat"]
            ratio = "–"
            if ours and theirs and theirs["median"] > 0:
                ratio = f"{ours['median'] / theirs['median']:.2f}x"
            scenario = f"{row['scenario']} ({row['unit']})"
            lines.append(
                f"| {scenario} | {cell(ours, row['digits'])} | {cell(theirs, row['digits'])} | {ratio} |"
            )
        return "\n".join(lines)


def machine() -> dict[str, Any]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": model, "python": platform.python_version(),
            "newsboat": nb.version(), "kernel": platform.release()}  # fmt: skip
