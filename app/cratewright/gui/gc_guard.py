"""Run Python's cyclic garbage collector on the UI thread only.

Left automatic, the collector runs in whichever thread happens to allocate, so a worker thread
parsing TOML can end up destroying a QObject wrapper from an old page. ``QObject``'s destructor
then takes Qt's connection lock and waits for the GIL, while the UI thread holds the GIL and
waits for that lock: the app freezes for good (seen in our own test suite). qutebrowser solves
the same problem the same way: disable automatic collection and collect from a UI-thread timer.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QTimer

__all__ = ["ensure_main_thread_gc"]

_INTERVAL_MS = 1000
_timer: QTimer | None = None


def _collect() -> None:
    """Collect the oldest generation whose threshold was crossed, as automatic gc would."""
    counts = gc.get_count()
    thresholds = gc.get_threshold()
    for generation in (2, 1, 0):
        if counts[generation] > thresholds[generation]:
            gc.collect(generation)
            return


def ensure_main_thread_gc() -> None:
    """Switch to UI-thread collection (idempotent; call on the UI thread with an app)."""
    global _timer
    app = QCoreApplication.instance()
    if _timer is not None or app is None:
        return
    gc.disable()
    _timer = QTimer(app)
    _timer.setInterval(_INTERVAL_MS)
    _timer.timeout.connect(_collect)
    _timer.start()
