"""GUI responsiveness: the live log under a flood of cargo lines, and start-up time.

Prints, from one run on this machine:

* the longest event-loop stall while 200,000 synthetic coloured cargo lines go through the
  real pipeline (engine sink in a worker thread -> batched Task events -> Build page -> log
  view), and the lines per second drawn (goal: stall under 50 ms);
* the time from process start to the main window shown with a crate's Overview painted, as a
  ratio to a bare PySide6 window shown by the same interpreter (goal: under 1.5), and the
  time until the engine has loaded the project too (every page usable: the Overview is
  painted from the start-up facts process, the engine loads right after). The two are
  started alternately and the ratio is the median of the pairs: on a busy machine both
  slow down.

Usage: QT_QPA_PLATFORM=offscreen python benchmarks/gui_log_and_startup.py [--lines N] [--runs N]
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CRATE = REPO / "test-crates" / "pyo3-mixed"

_BARE = """
import time, sys
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.resize(1280, 800); w.show(); app.processEvents()
print("shown", flush=True)
"""

# The app's own start path (cratewright.gui.app.launch, as ``cratewright gui PATH`` runs it) up
# to the window shown with the crate's Overview painted ("shown"), then on to the project
# loaded by the engine, every page usable ("ready"); then exit instead of the event loop.
_OURS = """
import sys
from cratewright.gui import app as gui_app
app, w = gui_app.launch(gui_app.parse_arguments([sys.argv[1]]))  # `cratewright gui PATH`
w.resize(1280, 800)  # as the bare window (the saved geometry would vary from run to run)
w.wait_for_overview(); app.processEvents()
assert w.page("overview").heading.text().startswith("pyo3-mixed ")
print("shown", flush=True)
w.wait_for_project(); app.processEvents()
assert w.state.overview is not None
print("ready", flush=True)
"""


def _stall_benchmark(lines: int) -> tuple[float, float, float]:
    """(longest stall ms, median tick gap ms, lines drawn per second)."""
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from cratewright.events import OutputLine
    from cratewright.gui.app import create_application
    from cratewright.gui.main_window import MainWindow
    from cratewright.gui.workers import run_task

    app = create_application()
    window = MainWindow()
    window.resize(1280, 800)
    window.show()
    window.open_project(CRATE)
    window.wait_for_project()
    window.show_page("build")
    page = window.build_page
    for _ in range(20):  # the first paint of the page is not part of the log pipeline
        app.processEvents()
        time.sleep(0.01)
    coloured = "\x1b[1m\x1b[32m   Compiling\x1b[0m crate-{0} v0.{0}.0 (/src/crate-{0})"
    plain = "warning: unused variable `x{0}` at src/lib.rs:{0}:5"

    def flood(sink, cancel) -> None:
        for i in range(lines):
            sink(OutputLine("stderr", (coloured if i % 3 else plain).format(i)))

    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.nsecsElapsed()]

    def tick() -> None:
        now = clock.nsecsElapsed()
        gaps.append((now - last[0]) / 1e6)
        last[0] = now

    probe = QTimer()
    probe.setInterval(1)
    probe.timeout.connect(tick)
    probe.start()
    started = time.perf_counter()
    task = run_task(flood, on_events=page._on_events)
    while task.running or page.log.pending:
        app.processEvents()
    elapsed = time.perf_counter() - started
    probe.stop()
    window.close()
    assert page.log.lines_received == lines
    QApplication.processEvents()
    return max(gaps), statistics.median(gaps), lines / elapsed


def _shown_after(code: str, *args: str) -> tuple[float, float]:
    """Seconds from process start to the "shown" line (the window is on screen) and to the
    last line ("ready" for cratewright; the same as "shown" for the bare window).

    Timed to the lines, not to the process's exit: tearing the window down is not start-up.
    """
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline()
    shown = time.perf_counter() - started
    ready = shown
    if args:  # cratewright's run goes on to "ready"
        ready_line = proc.stdout.readline()
        ready = time.perf_counter() - started
        line += ready_line
    _out, err = proc.communicate()
    if "shown" not in line or (args and "ready" not in line) or proc.returncode != 0:
        raise SystemExit(f"start-up run failed:\n{err}")
    return shown, ready


def _compile_bytecode() -> None:
    """Compile cratewright's modules to bytecode first, as installing a wheel does.

    PySide6 and the standard library start from the bytecode pip and the installer wrote;
    an editable checkout run with PYTHONDONTWRITEBYTECODE would instead compile every
    cratewright module from source on each start, a cost no installed copy pays. Writing it
    once here (into the git-ignored ``__pycache__``) compares like with like.
    """
    import cratewright

    package = Path(cratewright.__file__).parent
    if os.access(package, os.W_OK):
        compileall.compile_dir(package, quiet=1)


def _startup_pair(runs: int) -> tuple[float, float, float, float, float]:
    """Median bare start-up, cratewright's to shown and to ready, and the medians of the
    per-pair ratios (shown, ready).

    The two are started alternately, so that a machine busy with other work slows both alike.
    """
    _compile_bytecode()
    bare, shown, ready, shown_ratios, ready_ratios = [], [], [], [], []
    for _ in range(runs):
        b, _same = _shown_after(_BARE)
        s, r = _shown_after(_OURS, str(CRATE))
        bare.append(b)
        shown.append(s)
        ready.append(r)
        shown_ratios.append(s / b)
        ready_ratios.append(r / b)
    median = statistics.median
    return median(bare), median(shown), median(ready), median(shown_ratios), median(ready_ratios)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    stall, median_gap, rate = _stall_benchmark(args.lines)
    print(f"log flood: {args.lines} lines, {rate:,.0f} lines/s drawn")
    print(f"  longest event-loop stall: {stall:.1f} ms (goal < 50 ms)")
    print(f"  median event-loop tick: {median_gap:.2f} ms")
    bare, shown, ready, ratio, ready_ratio = _startup_pair(args.runs)
    print(
        f"start-up: bare PySide6 window {bare * 1000:.0f} ms, cratewright with {CRATE.name}'s "
        f"Overview painted {shown * 1000:.0f} ms, every page usable {ready * 1000:.0f} ms"
    )
    print(f"  ratio {ratio:.2f}x (median of {args.runs} alternating pairs; goal < 1.5x)")
    print(f"  every page usable: {ready_ratio:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
