"""The Interpreters & Targets page (placeholder until its issue lands)."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from cratewright.gui.page import Page
from cratewright.gui.pages.placeholder import placeholder_body
from cratewright.gui.state import AppState

__all__ = ["InterpretersPage"]


class InterpretersPage(Page):
    """Placeholder: says what the page will hold."""

    page_id = "interpreters"
    title = "Interpreters & Targets"

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(state, parent)
        layout = QVBoxLayout(self)
        layout.addWidget(
            placeholder_body(
                state,
                "This page will show every Python interpreter and Rust target on this "
                "machine, which ones can build this project, and which the next build "
                "uses.",
                self,
            )
        )
