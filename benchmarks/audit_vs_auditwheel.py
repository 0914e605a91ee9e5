"""Time `cratewright audit` against `auditwheel show` on the same real wheels, in one run.

Usage: .venv/bin/python benchmarks/audit_vs_auditwheel.py [WHEEL_DIR] [--repeat N]

WHEEL_DIR defaults to target/audit-corpus (filled by tests/integration/test_audit_corpus.py; this
script downloads the same pinned wheels with pip if the directory is empty). Each tool runs as a
fresh process per wheel, as a user or CI would run it, and the best of N repeats counts for each
wheel. The goal is at most 0.5x auditwheel's time.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _ensure_corpus(directory: Path) -> list[Path]:
    wheels = sorted(directory.glob("*.whl"))
    if wheels:
        return wheels
    sys.path.insert(0, str(REPO))
    from tests.integration.test_audit_corpus import CORPUS

    directory.mkdir(parents=True, exist_ok=True)
    by_platform: dict[str, list[str]] = {}
    for requirement, platform, _kind in CORPUS:
        by_platform.setdefault(platform, []).append(requirement)
    for platform, requirements in by_platform.items():
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary", ":all:",
             "--platform", platform, "--python-version", "3.11", "--implementation", "cp",
             "-d", str(directory), *requirements],
            check=True,
        )  # fmt: skip
    return sorted(directory.glob("*.whl"))


def _time(command: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd="/", check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path, default=REPO / "target/audit-corpus")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    wheels = _ensure_corpus(args.directory)
    auditwheel = [str(BIN / "auditwheel"), "show"]
    cratewright = [sys.executable, "-m", "cratewright", "audit"]

    print(f"{'wheel':70} {'auditwheel':>11} {'cratewright':>12} {'ratio':>6}")
    ours_total = theirs_total = 0.0
    ratios = []
    for wheel in wheels:
        theirs = min(_time([*auditwheel, str(wheel)]) for _ in range(args.repeat))
        ours = min(_time([*cratewright, str(wheel)]) for _ in range(args.repeat))
        theirs_total += theirs
        ours_total += ours
        ratios.append(ours / theirs)
        print(f"{wheel.name[:70]:70} {theirs:10.3f}s {ours:11.3f}s {ours / theirs:6.2f}")
    batch = min(_time([*cratewright, *map(str, wheels)]) for _ in range(args.repeat))
    print()
    print(f"wheels: {len(wheels)}, best of {args.repeat} runs each, one process per call")
    print(f"auditwheel show total:      {theirs_total:8.3f} s")
    print(f"cratewright audit total:    {ours_total:8.3f} s")
    print(f"cratewright audit, 1 call:  {batch:8.3f} s (all wheels in one process)")
    print(f"ratio (total time):         {ours_total / theirs_total:8.3f}x auditwheel")
    print(f"ratio (median per wheel):   {statistics.median(ratios):8.3f}x auditwheel")
    print(f"ratio (one call vs total):  {batch / theirs_total:8.3f}x auditwheel")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
