"""Time `cratewright list-python` against `maturin list-python`, cold and warm, in one run.

Cold: cratewright starts with an empty probe cache (a fresh CRATEWRIGHT_CACHE_DIR per run),
so it starts every interpreter it finds. Warm: the cache from a previous listing is there,
so it starts none. maturin keeps no cache, so its every run is the same. Each command runs
in a scratch folder (no project .venv) a few times; the median counts. Goals: cold at most
1.0x maturin, warm at most 0.2x.

Usage: python benchmarks/list_python_vs_maturin.py [--runs N] [--maturin PATH]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["main"]

COLD_GOAL = 1.0
WARM_GOAL = 0.2


def _time(command: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{proc.stderr}")
    return elapsed


def _count(command: list[str], env: dict[str, str], cwd: Path, marker: str) -> str:
    proc = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    lines = (proc.stdout + proc.stderr).splitlines()
    return next((line for line in lines if marker in line), "?").strip()


def _median(runs: list[float]) -> float:
    return statistics.median(runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (median)")
    parser.add_argument("--maturin", default=str(Path(sys.executable).parent / "maturin"))
    args = parser.parse_args(argv)
    if not Path(args.maturin).is_file() and shutil.which(args.maturin) is None:
        raise SystemExit(f"maturin not found at {args.maturin}")

    ours = [sys.executable, "-m", "cratewright", "list-python"]
    theirs = [args.maturin, "list-python"]
    with tempfile.TemporaryDirectory(prefix="cw-bench-") as scratch:
        cwd = Path(scratch)
        env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
        warm_env = {**env, "CRATEWRIGHT_CACHE_DIR": str(cwd / "warm-cache")}
        _time(theirs, env, cwd)  # page both programs and every interpreter into the OS cache
        _time(ours, warm_env, cwd)

        maturin = [_time(theirs, env, cwd) for _ in range(args.runs)]
        cold = []
        for number in range(args.runs):
            cold_env = {**env, "CRATEWRIGHT_CACHE_DIR": str(cwd / f"cold-{number}")}
            cold.append(_time(ours, cold_env, cwd))
        warm = [_time(ours, warm_env, cwd) for _ in range(args.runs)]

        print(f"maturin:     {_count(theirs, env, cwd, '🐍')}")
        print(f"cratewright: {_count(ours, warm_env, cwd, '🐍')}")
    m, c, w = _median(maturin), _median(cold), _median(warm)
    print(f"median of {args.runs} runs:")
    print(f"  maturin list-python            {m * 1000:7.0f} ms")
    print(
        f"  cratewright list-python, cold  {c * 1000:7.0f} ms  ratio {c / m:.2f}x"
        f"  (goal <= {COLD_GOAL:.1f}x: {'met' if c / m <= COLD_GOAL else 'MISSED'})"
    )
    print(f"  cratewright list-python, warm  {w * 1000:7.0f} ms  ratio {w / m:.2f}x"
          f"  (goal <= {WARM_GOAL:.1f}x: {'met' if w / m <= WARM_GOAL else 'MISSED'})")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
