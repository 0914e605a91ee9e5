"""The base of every page in the navigation: an id for screenshots, a title, the shared state."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtWidgets import QWidget

from cratewright.core.metadata.overview import ProjectOverview
from cratewright.gui.state import AppState

__all__ = ["Page"]


class Page(QWidget):
    """A page of the main window.

    Subclasses set ``page_id`` (file name of its screenshot, e.g. "build") and ``title``
    (navigation label), build their widgets in ``__init__`` and override
    :meth:`project_changed`. Long work goes through :func:`cratewright.gui.workers.run_task`,
    never on the UI thread.
    """

    page_id: ClassVar[str] = ""
    title: ClassVar[str] = ""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setObjectName(f"page-{self.page_id}")
        state.project_changed.connect(self.project_changed)

    def project_changed(self, overview: ProjectOverview | None) -> None:
        """A project was opened or closed; refresh what the page shows."""

    def prepare_screenshot(self) -> None:
        """Called before rendering the page to PNG headless; finish pending async work here."""
