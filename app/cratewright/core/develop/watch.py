"""``develop --watch``: save a file, and the environment has the new build.

The first cycle is an ordinary :func:`develop`. After it, a change to a manifest runs
develop again (metadata, features or dependencies may have changed); a change to a Rust
source recompiles with the plan already made and puts the new native module in place
(written into the source tree for an editable mixed project, replaced inside site-packages
otherwise) without writing a wheel or asking pip, which keeps save-to-import close to cargo's own
incremental time; a change to a Python file of an editable install needs nothing at all.

A change that arrives while a cycle runs cancels it (cargo's whole process group is stopped)
and the next cycle starts from the newest state. A failed cycle leaves the previous install
in place; the watch goes on.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cratewright.core.build.builder import wheel_entries
from cratewright.core.build.plan import BuildOptions, BuildPlan
from cratewright.core.develop.file_watcher import FileWatcher, require_watchfiles
from cratewright.core.develop.install import (
    DevelopResult,
    develop,
    refresh_source_tree,
)
from cratewright.core.develop.installed_files import refresh_installed
from cratewright.core.develop.watch_inputs import (
    ChangeKind,
    WatchInputs,
    classify_changes,
    dep_info_path,
    is_noise,
    sources_from_dep_info,
)
from cratewright.errors import BuildCancelled, CratewrightError
from cratewright.events import (
    CancelToken,
    CargoArtifact,
    Event,
    EventSink,
    Message,
    WatchCycle,
    null_sink,
)

__all__ = ["DevelopWatch", "watch_develop"]

_BIN_KINDS = frozenset({"cdylib", "bin", "dylib", "staticlib"})
_POLL = 0.1  # seconds between looks at the stop flag while idle
_SETTLE = 0.15  # after a save cancelled a build: this long without saves before the next one


class _TokenFlag(threading.Event):
    """A CancelToken seen as the stop flag the loop polls (the GUI's task cancels it)."""

    def __init__(self, token: CancelToken) -> None:
        super().__init__()
        self._token = token

    def is_set(self) -> bool:
        return self._token.cancelled


@dataclass
class _Outcome:
    result: DevelopResult | None = None
    error: BaseException | None = None


class DevelopWatch:
    """One watch session over a project: develop, then rebuild on every relevant change.

    The GUI and the CLI drive the same object: ``run(stop)`` blocks until ``stop`` is set,
    reporting every cycle as a :class:`WatchCycle` event besides the build's own events.
    """

    def __init__(
        self,
        options: BuildOptions,
        *,
        develop_kwargs: dict[str, Any] | None = None,
        sink: EventSink = null_sink,
    ) -> None:
        self.options = options
        self.develop_kwargs = dict(develop_kwargs or {})
        self.sink = sink
        self.cycles = 0
        self._changes: queue.Queue[set[Path]] = queue.Queue()
        self._result: DevelopResult | None = None
        self._inputs = WatchInputs(frozenset(), frozenset())
        self._watcher: FileWatcher | None = None

    @property
    def inputs(self) -> WatchInputs:
        """What the watch currently reacts to."""
        return self._inputs

    # -- one cycle ---------------------------------------------------------------------

    def _cycle(self, kind: ChangeKind, cancel: CancelToken, artifacts: list[CargoArtifact]) -> None:
        def sink(event: Event) -> None:
            if isinstance(event, CargoArtifact):
                artifacts.append(event)
            self.sink(event)

        if kind is ChangeKind.REPLAN or self._result is None:
            self._result = develop(self.options, sink=sink, cancel=cancel, **self.develop_kwargs)
            return
        result = self._result
        plan = result.plan  # develop's own plan: the fast cycle rebuilds exactly that
        with wheel_entries(plan, sink=sink, cancel=cancel) as entries:
            if result.python_dir is not None:
                # the .pth serves the source tree: the native module goes there
                refresh_source_tree(plan, entries)
                return
            if not result.installed:
                return
            if result.site_packages is not None and refresh_installed(
                result.site_packages, plan.metadata.dist_info, entries
            ):
                return
        self.sink(Message("info", "🔁 The installed files differ; installing afresh"))
        self._result = develop(self.options, sink=sink, cancel=cancel, **self.develop_kwargs)

    def _inputs_after(self, artifacts: list[CargoArtifact]) -> WatchInputs:
        """Recompute what to watch from the plan and the dep-info of what was just built."""
        result = self._result
        if result is None:
            return self._inputs
        plan = result.plan
        meta = plan.cargo_metadata
        local = [p for p in meta.raw.get("packages", []) if p.get("source") is None]
        roots = [Path(p["manifest_path"]).parent for p in local if p.get("manifest_path")]
        manifests = {Path(p["manifest_path"]) for p in local if p.get("manifest_path")}
        manifests.add(meta.workspace_root / "Cargo.toml")
        manifests.add(meta.workspace_root / "Cargo.lock")
        manifests.add(plan.project.cargo_toml)
        if plan.project.pyproject_toml is not None:
            manifests.add(plan.project.pyproject_toml)
        dep_infos = [
            dep_info_path(name)
            for artifact in artifacts
            if _BIN_KINDS.intersection(artifact.kinds)
            for name in artifact.filenames[:1]
        ]
        exclude = [plan.target_dir, *_cargo_home_dirs()]
        existing = [d for d in dep_infos if d.is_file()]
        sources = sources_from_dep_info(existing, exclude, within=[meta.workspace_root, *roots])
        if not sources:  # nothing compiled yet (a first build failed), or another's dep-info
            sources = frozenset(_rust_files(roots, exclude))
        python_roots: tuple[Path, ...] = ()
        if result.python_dir is not None:
            python_roots = _python_roots(plan)
        own = frozenset(result.native_files)
        return WatchInputs(frozenset(sources), frozenset(manifests - own), python_roots, own)

    # -- the loop ----------------------------------------------------------------------

    def _run_cycle(self, kind: ChangeKind, trigger: list[Path], stop: threading.Event) -> None:
        """Run one cycle in a thread; a newer relevant change cancels it and starts over."""
        while True:
            cancel = CancelToken()
            artifacts: list[CargoArtifact] = []
            outcome = _Outcome()
            started = time.monotonic()
            started_ns = time.time_ns()

            done = threading.Event()

            def work(kind: ChangeKind = kind, cancel: CancelToken = cancel,
                     artifacts: list[CargoArtifact] = artifacts, outcome: _Outcome = outcome,
                     done: threading.Event = done) -> None:  # fmt: skip
                try:
                    self._cycle(kind, cancel, artifacts)
                except BaseException as exc:  # reported on the watching thread
                    outcome.error = exc
                finally:
                    done.set()

            # Waited for through ``done``, not Thread.join: on Python 3.11 a Ctrl-C that lands
            # in join() marks the thread finished while it still runs (bpo-45274), and the
            # watch would exit before the cycle had stopped cargo.
            thread = threading.Thread(target=work, name="cratewright-watch-cycle", daemon=True)
            thread.start()
            pending: set[Path] = set()  # every change seen while the cycle ran
            try:
                while not done.wait(_POLL):
                    if stop.is_set():
                        cancel.cancel()
                        continue
                    found = self._take()
                    pending |= found
                    if classify_changes(found, self._inputs)[0] >= ChangeKind.REBUILD:
                        cancel.cancel()  # a Python-only save never needs to stop a build
            except BaseException:
                cancel.cancel()
                done.wait()
                raise
            seconds = time.monotonic() - started
            newer_kind, newer = classify_changes(pending, self._inputs)
            cancelled = isinstance(outcome.error, BuildCancelled)
            if cancelled and newer_kind >= ChangeKind.REBUILD and not stop.is_set():
                self._report(kind, trigger, seconds, "cancelled", "a newer change arrived")
                pending |= self._settle(stop)  # a burst of saves restarts the build once
                newer_kind, newer = classify_changes(pending, self._inputs)
                kind, trigger = max(kind, newer_kind), newer
                continue
            self._finish(kind, trigger, seconds, outcome, artifacts, started_ns)
            if pending:
                self._changes.put(pending)  # the main loop deals with what came in meanwhile
            return

    def _finish(
        self,
        kind: ChangeKind,
        trigger: list[Path],
        seconds: float,
        outcome: _Outcome,
        artifacts: list[CargoArtifact],
        started_ns: int,
    ) -> None:
        error = outcome.error
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise error
        if isinstance(error, BuildCancelled):
            self._report(kind, trigger, seconds, "cancelled", str(error))
            return
        if error is not None and not isinstance(error, CratewrightError):
            raise error
        if error is None or self._result is not None:
            try:
                self._inputs = self._inputs_after(artifacts)
            except CratewrightError as exc:
                error = error or exc
        elif not self._inputs.manifests:  # the first develop failed: watch what we can see
            self._inputs = _inputs_before_any_build(self.options)
        self._restart_watcher()
        self._queue_changed_since(started_ns)
        if error is not None:
            keep = " (the previous install is unchanged)" if self._result is not None else ""
            self._report(kind, trigger, seconds, "failed", f"{error}{keep}")
            return
        self._report(kind, trigger, seconds, "installed", "")

    def _queue_changed_since(self, started_ns: int) -> None:
        """Saves made while no watcher was looking (the first build, a restart) still count."""
        inputs = self._inputs
        changed = set()
        for path in inputs.sources | inputs.manifests:
            try:
                if path.stat().st_mtime_ns > started_ns:
                    changed.add(path)
            except OSError:
                continue
        if changed:
            self._changes.put(changed)

    def _settle(self, stop: threading.Event) -> set[Path]:
        """Changes until none that matter came for ``_SETTLE`` seconds (or a stop)."""
        seen: set[Path] = set()
        quiet_until = time.monotonic() + _SETTLE
        while not stop.is_set():
            left = quiet_until - time.monotonic()
            if left <= 0:
                break
            try:
                batch = self._changes.get(timeout=min(left, _POLL))
            except queue.Empty:
                continue
            seen |= batch
            if classify_changes(batch, self._inputs)[0] is not ChangeKind.NONE:
                quiet_until = time.monotonic() + _SETTLE
        return seen

    def _python_only(self, trigger: list[Path]) -> None:
        self._report(
            ChangeKind.PYTHON, trigger, 0.0, "unchanged",
            "served from the source tree by the editable install; nothing to rebuild",
        )  # fmt: skip

    def _root(self) -> Path:
        """Where trigger paths are shown from: the project, once a plan knows it."""
        if self._result is not None:
            return self._result.plan.project.project_root
        return self.options.cwd or Path.cwd()

    def _take(self) -> set[Path]:
        """Every changed path queued so far."""
        paths: set[Path] = set()
        while True:
            try:
                paths |= self._changes.get_nowait()
            except queue.Empty:
                return paths

    def _restart_watcher(self) -> None:
        directories = self._inputs.directories()
        if self._watcher is not None and self._watcher.directories == directories:
            return
        if self._watcher is not None:
            self._watcher.stop()
        self._watcher = FileWatcher(directories, self._changes)
        self._watcher.start()

    def _report(
        self, kind: ChangeKind, trigger: list[Path], seconds: float, result: str, detail: str
    ) -> None:
        self.cycles += 1
        cycle = WatchCycle(
            number=self.cycles,
            trigger=tuple(_short(p, self._root()) for p in trigger),
            action=_ACTIONS[kind],
            seconds=seconds,
            result=result,
            detail=detail,
            watched_files=self._inputs.file_count,
        )
        self.sink(cycle)
        self.sink(Message("warning" if result == "failed" else "info", cycle.line()))

    def run(self, stop: threading.Event | CancelToken) -> None:
        """Develop once, then rebuild on change until ``stop`` is set (or cancelled)."""
        require_watchfiles()  # fail before the first build when the watcher is missing
        if isinstance(stop, CancelToken):
            stop = _TokenFlag(stop)
        try:
            self._run_cycle(ChangeKind.REPLAN, [], stop)
            while not stop.is_set():
                try:
                    batch = self._changes.get(timeout=_POLL)
                except queue.Empty:
                    continue
                kind, paths = classify_changes(batch | self._take(), self._inputs)
                if kind is ChangeKind.NONE:
                    continue
                if kind is ChangeKind.PYTHON:
                    self._python_only(paths)
                    continue
                self._run_cycle(kind, paths, stop)
        finally:
            if self._watcher is not None:
                self._watcher.stop()


_ACTIONS = {
    ChangeKind.NONE: "develop",
    ChangeKind.PYTHON: "python",
    ChangeKind.REBUILD: "rebuild",
    ChangeKind.REPLAN: "develop",
}


def _short(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)


def _cargo_home_dirs() -> list[Path]:
    home = os.environ.get("CARGO_HOME") or str(Path.home() / ".cargo")
    return [Path(home), Path(home).resolve()]


def _rust_files(roots: Iterable[Path], exclude: list[Path]) -> Iterable[Path]:
    for root in roots:
        for path in root.rglob("*.rs"):
            if not any(path.is_relative_to(e) for e in exclude) and not is_noise(path, root):
                yield path


def _inputs_before_any_build(options: BuildOptions) -> WatchInputs:
    """What to watch when not even one develop worked (a compile error, a broken manifest).

    There is no plan and no dep-info yet: the project folder's manifests and every Rust file
    under it stand in, so fixing the error starts the next cycle.
    """
    given = Path(options.manifest_path or options.cwd or Path.cwd())
    if not given.is_absolute():
        given = (options.cwd or Path.cwd()) / given
    root = given if given.is_dir() else given.parent
    names = ("Cargo.toml", "Cargo.lock", "pyproject.toml")
    manifests = frozenset(root / name for name in names) | (
        frozenset({given}) if given.is_file() else frozenset()
    )
    return WatchInputs(frozenset(_rust_files([root], [root / "target"])), manifests)


def _python_roots(plan: BuildPlan) -> tuple[Path, ...]:
    layout = plan.layout
    if layout.python_module is not None:
        return (layout.python_module.resolve(),)
    return tuple((layout.python_dir / name).resolve() for name in layout.python_packages)


def watch_develop(
    options: BuildOptions,
    *,
    stop: threading.Event | None = None,
    sink: EventSink = null_sink,
    on_start: Callable[[DevelopWatch], None] | None = None,
    **develop_kwargs: Any,
) -> int:
    """Run a watch until ``stop`` is set (or Ctrl-C); returns the number of cycles reported."""
    session = DevelopWatch(replace(options), develop_kwargs=develop_kwargs, sink=sink)
    if on_start is not None:
        on_start(session)
    session.run(stop or threading.Event())
    return session.cycles
