"""The Audit page (placeholder until its issue lands)."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from cratewright.gui.page import Page
from cratewright.gui.pages.placeholder import placeholder_body
from cratewright.gui.state import AppState

__all__ = ["AuditPage"]


class AuditPage(Page):
    """Placeholder: says what the page will hold."""

    page_id = "audit"
    title = "Audit"

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(state, parent)
        layout = QVBoxLayout(self)
        layout.addWidget(
            placeholder_body(
                state,
                "This page will show why each wheel is or is not manylinux, its shared-"
                "library tree and symbol versions, and repair.",
                self,
            )
        )
