"""The Publish page (placeholder until its issue lands)."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from cratewright.gui.page import Page
from cratewright.gui.pages.placeholder import placeholder_body
from cratewright.gui.state import AppState

__all__ = ["PublishPage"]


class PublishPage(Page):
    """Placeholder: says what the page will hold."""

    page_id = "publish"
    title = "Publish"

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(state, parent)
        layout = QVBoxLayout(self)
        layout.addWidget(
            placeholder_body(
                state,
                "This page will show upload to TestPyPI or PyPI with a token kept in "
                "the system keyring.",
                self,
            )
        )
