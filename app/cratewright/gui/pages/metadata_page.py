"""The Metadata page (placeholder until its issue lands)."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from cratewright.gui.page import Page
from cratewright.gui.pages.placeholder import placeholder_body
from cratewright.gui.state import AppState

__all__ = ["MetadataPage"]


class MetadataPage(Page):
    """Placeholder: says what the page will hold."""

    page_id = "metadata"
    title = "Metadata"

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(state, parent)
        layout = QVBoxLayout(self)
        layout.addWidget(
            placeholder_body(
                state,
                "This page will show the merged Cargo.toml and [project] metadata with "
                "where each value comes from, validation, and edits saved back into "
                "your own files.",
                self,
            )
        )
