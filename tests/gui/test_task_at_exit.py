"""A task still running when Python exits is stopped first: no Qt abort (exit status 134)."""

from __future__ import annotations

import os
import subprocess
import sys

_PROGRAM = """
import time
from PySide6.QtWidgets import QApplication
app = QApplication([])
from cratewright.gui.workers import run_task

def slow(sink, cancel):
    for _ in range(50):
        if cancel.cancelled:
            print("cancelled", flush=True)
            return None
        time.sleep(0.1)

run_task(slow)
print("started", flush=True)
"""


def test_exit_while_a_task_runs_is_clean() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-c", _PROGRAM], capture_output=True, text=True,
                          env=env, timeout=60, check=False)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["started", "cancelled"]
    assert "QThread: Destroyed while thread" not in proc.stderr
