"""Run engine calls off the UI thread and bring their events and results back in batches.

Every long call (cargo, probes, keyring, uploads, audits) goes through :func:`run_task`. The
engine's events are queued by the worker thread and delivered to the UI thread every 50 ms as
one list, so 100,000 lines of cargo output cost a few hundred signal deliveries, not 100,000.
"""

from __future__ import annotations

import atexit
import threading
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal

from cratewright.gui.gc_guard import ensure_main_thread_gc

if TYPE_CHECKING:  # the events' dataclasses (a few ms) are imported by the first task
    from cratewright.events import CancelToken, Event, EventSink

__all__ = ["Task", "TaskFunction", "run_task", "running_tasks"]

TaskFunction = Callable[["EventSink", "CancelToken"], Any]

_FLUSH_MS = 50
_EXIT_WAIT_MS = 30_000
# At most this many events per delivery; a flood is delivered in several turns of the event
# loop (back to back) instead of one long stall.
_MAX_BATCH = 5_000
_RUNNING: set[Task] = set()  # also keeps a started task alive until it has finished


def running_tasks() -> list[Task]:
    """Tasks started and not finished yet (tests check that none is left behind)."""
    return list(_RUNNING)


def _stop_running_tasks_at_exit() -> None:
    """Cancel what still runs when Python exits and wait for it.

    Qt aborts the whole process when a QThread is destroyed while it runs, so without this a
    task that started just before exit (a debounced check, a probe) turns a clean quit, or
    a test run whose every test passed, into a crash with exit status 134.
    """
    for task in list(_RUNNING):
        task.cancel()
        task._thread.wait(_EXIT_WAIT_MS)


atexit.register(_stop_running_tasks_at_exit)


class _Thread(QThread):
    def __init__(self, task: Task, function: TaskFunction) -> None:
        super().__init__()
        self._task = task
        self._function = function

    def run(self) -> None:  # runs in the worker thread
        try:
            result = self._function(self._task.push_event, self._task.cancel_token)
        except BaseException as exc:  # every failure is reported, none kills the app
            self._task._finish(None, exc, traceback.format_exc())
        else:
            self._task._finish(result, None, "")


class Task(QObject):
    """A running engine call.

    Signals (always delivered on the UI thread):
        events(list): a batch of engine events, in order.
        succeeded(object): the function's return value.
        failed(object, str): the exception and its formatted traceback (a CratewrightError
            is an expected failure to show as a message; anything else is a bug).
        finished(): after succeeded or failed, once the last events were delivered.
    """

    events = Signal(object)  # a Python list, passed by reference (no per-item conversion)
    succeeded = Signal(object)
    failed = Signal(object, str)
    finished = Signal()

    def __init__(self, function: TaskFunction) -> None:
        # No Qt parent on purpose: a task must outlive a widget that is deleted while it runs
        # (its thread cannot be destroyed mid-run); the owner's deletion orphans it instead.
        super().__init__()
        from cratewright.events import CancelToken

        self.cancel_token = CancelToken()
        self._orphaned = False
        self._lock = threading.Lock()
        self._pending: list[Event] = []
        self._outcome: tuple[Any, BaseException | None, str] | None = None
        self._done = False
        self._thread = _Thread(self, function)
        self._timer = QTimer(self)
        self._timer.setInterval(_FLUSH_MS)
        self._timer.timeout.connect(self._flush)

    def start(self) -> None:
        """Start the worker thread and the delivery timer."""
        _RUNNING.add(self)
        self._timer.start()
        self._thread.start()

    def cancel(self) -> None:
        """Ask the engine to stop (cargo's whole process group is killed)."""
        self.cancel_token.cancel()

    def orphan(self) -> None:
        """The owner is gone: stop the work and deliver nothing more to anyone."""
        self._orphaned = True
        self.cancel()

    @property
    def running(self) -> bool:
        """True until :attr:`finished` has been emitted."""
        return not self._done

    def push_event(self, event: Event) -> None:
        """The EventSink handed to the engine; safe to call from any thread."""
        with self._lock:
            self._pending.append(event)

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Block until the worker ends and deliver everything (tests, shutdown)."""
        finished = self._thread.wait(timeout_ms)
        while self.running and finished:
            self._flush()
        return finished

    def _finish(self, result: Any, error: BaseException | None, trace: str) -> None:
        with self._lock:
            self._outcome = (result, error, trace)

    def _flush(self) -> None:
        with self._lock:
            batch = self._pending[:_MAX_BATCH]
            del self._pending[:_MAX_BATCH]
            more = bool(self._pending)
            outcome = self._outcome if self._thread.isFinished() and not more else None
        if batch and not self._orphaned:
            self.events.emit(batch)
        if more:
            self._timer.setInterval(0)
        elif self._timer.interval() == 0:
            self._timer.setInterval(_FLUSH_MS)
        if outcome is not None and not self._done:
            self._done = True
            self._timer.stop()
            _RUNNING.discard(self)
            if self._orphaned:
                return
            result, error, trace = outcome
            if error is None:
                self.succeeded.emit(result)
            else:
                self.failed.emit(error, trace)
            self.finished.emit()


def run_task(
    function: TaskFunction,
    *,
    parent: QObject | None = None,
    on_events: Callable[[list[Event]], None] | None = None,
    on_success: Callable[[Any], None] | None = None,
    on_failure: Callable[[BaseException, str], None] | None = None,
    on_finished: Callable[[], None] | None = None,
) -> Task:
    """Start ``function(sink, cancel)`` in a worker thread and return its :class:`Task`.

    The task keeps itself alive until it has finished. When ``parent`` is destroyed first,
    the task is cancelled and its callbacks are never called.
    """
    ensure_main_thread_gc()
    task = Task(function)
    if parent is not None:
        parent.destroyed.connect(task.orphan)
    if on_events is not None:
        task.events.connect(on_events)
    if on_success is not None:
        task.succeeded.connect(on_success)
    if on_failure is not None:
        task.failed.connect(on_failure)
    if on_finished is not None:
        task.finished.connect(on_finished)
    task.start()
    return task
