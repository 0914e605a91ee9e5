"""The base of every page in the navigation: an id for screenshots, a title, the shared state."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from PySide6.QtWidgets import QWidget

from cratewright.gui.state import AppState

if TYPE_CHECKING:  # the engine is imported by the project load, not by the first paint
    from cratewright.core.metadata import ProjectOverview

__all__ = ["Page", "RunningJob"]


class RunningJob:
    """Long work a page has running, named so the window can ask before stopping it.

    A plain class, not a dataclass: this module is imported before the first frame, and
    ``dataclasses`` (plus generating the class) costs more than these lines.
    """

    __slots__ = ("description", "seconds")

    def __init__(self, description: str, seconds: float) -> None:
        self.description = description  # e.g. "a build of pyo3-mixed"
        self.seconds = seconds  # how long it has run

    def describe(self) -> str:
        """``a build of pyo3-mixed (running for 42 s)``."""
        seconds = int(self.seconds)
        took = f"{seconds // 60} min {seconds % 60} s" if seconds >= 60 else f"{seconds} s"
        return f"{self.description} (running for {took})"


class Page(QWidget):
    """A page of the main window.

    Subclasses set ``page_id`` (file name of its screenshot, e.g. "build") and ``title``
    (navigation label), build their widgets in ``__init__`` and override
    :meth:`project_changed` (and :meth:`project_updated` to keep results). Long work goes
    through :func:`cratewright.gui.workers.run_task`, never on the UI thread; a page that
    runs work the user would miss lists it in :meth:`running_jobs`.
    """

    page_id: ClassVar[str] = ""
    title: ClassVar[str] = ""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setObjectName(f"page-{self.page_id}")
        state.project_changed.connect(self.project_changed)
        state.project_updated.connect(self.project_updated)

    def project_changed(self, overview: ProjectOverview | None) -> None:
        """A project was opened or closed; refresh what the page shows."""

    def project_updated(self, overview: ProjectOverview) -> None:
        """The open project was read again (its files changed): show the new facts.

        By default the page is refreshed as for a newly opened project; a page that holds
        results or a log of this project overrides it to keep them.
        """
        self.project_changed(overview)

    def running_jobs(self) -> list[RunningJob]:
        """Builds, uploads, repairs... running now (closing the window would stop them)."""
        return []

    def prepare_screenshot(self) -> None:
        """Called before rendering the page to PNG headless; finish pending async work here."""
