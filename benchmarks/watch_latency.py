"""``develop --watch``: save-to-import latency against cargo's own incremental build, idle CPU,
and rebuilds caused by noise, measured in one run.

Latency: a copy of a test crate is developed into a fresh venv under ``develop --watch``; the
script then changes a function's return value and polls a fresh interpreter until it imports
the new value (the poll itself is part of the figure). The peer is a plain incremental
``cargo build`` of the same change in a second copy of the crate (same profile, same
interpreter; each side has a warm target dir of its own).
Goal: watch latency at most cargo's time + 150 ms.

Idle: the watch process's CPU time (itself and its children, from /proc) over ``--idle``
seconds with nothing changing. Goal: under 1 % of one core.

Noise: 1,000 files touched under the crate's target/ and ``__pycache__``, plus editor swap
files; the number of cycles the watch reports afterwards. Goal: 0.

Usage: python benchmarks/watch_latency.py [--crate pyo3-pure|pyo3-mixed] [--runs N] [--idle S]
"""

from __future__ import annotations

import argparse
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import venv
from pathlib import Path

__all__ = ["main"]

REPO = Path(__file__).resolve().parent.parent
LATENCY_BUDGET = 0.150
IDLE_GOAL = 0.01

# crate -> (file to edit, text before the number, probe code printing the number)
CRATES = {
    "pyo3-pure": ("src/lib.rs", "a + b", "import pyo3_pure; print(pyo3_pure.add(0, 0))"),
    "pyo3-mixed": (
        "src/lib.rs", "a * b", "import pyo3_mixed._native as n; print(n.multiply(0, 0))"
    ),
}  # fmt: skip


def _copy(crate: str, dest: Path) -> Path:
    shutil.copytree(REPO / "test-crates" / crate, dest, ignore=shutil.ignore_patterns("target"))
    return dest


def _set_value(path: Path, marker: str, value: int) -> None:
    """Make the function return ``marker + value``: one line, a fresh number each time."""
    lines = path.read_text().splitlines(keepends=True)
    for index, line in enumerate(lines):
        if line.strip().startswith(marker):
            lines[index] = f"        {marker} + {value}\n"
            break
    else:
        raise SystemExit(f"{marker!r} not found in {path}")
    path.write_text("".join(lines))


def _imports(python: Path, probe: str) -> str:
    proc = subprocess.run([python, "-c", probe], capture_output=True, text=True, check=False)
    return proc.stdout.strip()


class WatchProcess:
    """``cratewright develop --watch`` with its stderr lines in a queue."""

    def __init__(self, crate: Path, env: Path, extra_env: dict[str, str]) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "cratewright", "develop", "--watch", "-m", str(crate),
             "--env", str(env)],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
            env={**os.environ, **extra_env},
        )  # fmt: skip
        threading.Thread(target=self._read, daemon=True).start()
        self.cycles = 0

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.put(line)

    def wait_cycle(self, timeout: float = 600) -> str:
        deadline = time.monotonic() + timeout
        while True:
            line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            if line.lstrip().startswith(("✅", "❌", "🐍")) and "] " in line:
                self.cycles += 1
                return line.strip()

    def drain_cycles(self) -> list[str]:
        found = []
        while True:
            try:
                line = self.lines.get_nowait()
            except queue.Empty:
                return found
            if line.lstrip()[:1] in ("✅", "❌", "🐍", "⏭") and "] " in line:
                found.append(line.strip())

    def cpu_seconds(self) -> float:
        """utime + stime of the watch and its waited-for children, from /proc."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.proc.send_signal(2)
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _cargo_incremental(
    crate: Path, file: str, marker: str, runs: int, env: dict[str, str]
) -> list[float]:
    command = ["cargo", "build", "--lib", "--quiet", "--manifest-path", str(crate / "Cargo.toml")]
    subprocess.run(command, env=env, check=True)  # warm
    times = []
    for value in range(runs):
        _set_value(crate / file, marker, 1000 + value)
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True)
        times.append(time.perf_counter() - start)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crate", choices=sorted(CRATES), default="pyo3-pure")
    parser.add_argument("--runs", type=int, default=5, help="edits per measurement (median)")
    parser.add_argument("--idle", type=float, default=60.0, help="idle seconds to measure")
    args = parser.parse_args(argv)
    file, marker, probe = CRATES[args.crate]

    with tempfile.TemporaryDirectory(prefix="cw-watch-bench-") as scratch:
        root = Path(scratch)
        env_dir = root / "venv"
        venv.EnvBuilder(with_pip=True).create(env_dir)
        python = env_dir / "bin" / "python"
        watched = _copy(args.crate, root / "watched")
        peer = _copy(args.crate, root / "peer")
        # Each side gets a target dir of its own: a shared one would make both wait for
        # cargo's lock and recompile pyo3 whenever another build used other settings.
        target = str(root / "watch-target")
        cargo_env = {**os.environ, "PYO3_PYTHON": str(python),
                     "CARGO_TARGET_DIR": str(root / "peer-target")}  # fmt: skip

        watch = WatchProcess(watched, env_dir, {"CARGO_TARGET_DIR": target})
        try:
            print(f"first develop: {watch.wait_cycle()}", flush=True)
            _set_value(watched / file, marker, 0)  # one edit to settle the plan and caches
            watch.wait_cycle()
            latencies = []
            for value in range(1, args.runs + 1):
                _set_value(watched / file, marker, value)
                start = time.perf_counter()
                while _imports(python, probe) != str(value):
                    if time.perf_counter() - start > 600:
                        raise SystemExit("the new value never became importable")
                latencies.append(time.perf_counter() - start)
                watch.wait_cycle()
            watch.drain_cycles()

            busy = watch.cpu_seconds()
            time.sleep(args.idle)
            idle_cpu = watch.cpu_seconds() - busy

            noise_dirs = [watched / "target" / "debug", watched / "python" / "__pycache__"]
            for directory in noise_dirs:
                directory.mkdir(parents=True, exist_ok=True)
            for index in range(1000):
                directory = noise_dirs[index % 2]
                (directory / f"noise{index}.pyc").write_bytes(b"x")
            (watched / "src" / ".lib.rs.swp").write_bytes(b"x")
            (watched / "src" / "lib.rs~").write_bytes(b"x")
            time.sleep(5)
            noise_cycles = watch.drain_cycles()
        finally:
            watch.stop()
        cargo = _cargo_incremental(peer, file, marker, args.runs, cargo_env)

    ours, theirs = statistics.median(latencies), statistics.median(cargo)
    print(f"crate {args.crate}, {args.runs} edits each")
    print(f"save -> importable (watch): median {ours * 1000:.0f} ms  "
          f"(min {min(latencies) * 1000:.0f}, max {max(latencies) * 1000:.0f})")  # fmt: skip
    print(f"incremental cargo build:    median {theirs * 1000:.0f} ms  "
          f"(min {min(cargo) * 1000:.0f}, max {max(cargo) * 1000:.0f})")  # fmt: skip
    over = ours - theirs
    verdict = "met" if over <= LATENCY_BUDGET else "NOT met"
    print(f"watch - cargo: {over * 1000:+.0f} ms (ratio {ours / theirs:.2f}x); "
          f"goal <= +{LATENCY_BUDGET * 1000:.0f} ms: {verdict}")  # fmt: skip
    share = idle_cpu / args.idle
    verdict = "met" if share < IDLE_GOAL else "NOT met"
    print(f"idle CPU over {args.idle:.0f} s: {idle_cpu:.2f} s = {share * 100:.2f} % of a core; "
          f"goal < {IDLE_GOAL * 100:.0f} %: {verdict}")  # fmt: skip
    print(f"cycles after touching 1,000 noise files: {len(noise_cycles)}; goal 0: "
          f"{'met' if not noise_cycles else 'NOT met'} {noise_cycles}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
