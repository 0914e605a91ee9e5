"""Help ▸ Documentation: cratewright's README (its package description), rendered in the app.

Reading it from the installed package's metadata works offline and without a browser.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

__all__ = ["DocumentationDialog", "documentation_text"]


def documentation_text() -> str:
    """The README as Markdown: from the package metadata, else a source checkout's file."""
    text = ""
    try:
        metadata = importlib.metadata.metadata("cratewright")
    except importlib.metadata.PackageNotFoundError:
        metadata = None
    if metadata is not None:
        payload = metadata.get_payload()  # type: ignore[attr-defined]
        text = payload if isinstance(payload, str) else ""
        text = text.strip() or str(metadata.get("Description", "") or "").strip()
    readme = Path(__file__).resolve().parents[3] / "README.md"
    if not text and readme.is_file():
        text = readme.read_text(encoding="utf-8")
    return text.strip() or (
        "# cratewright\n\nThe documentation is the README.md of the cratewright sources; "
        "`cratewright --help` lists every command."
    )


class DocumentationDialog(QDialog):
    """The README in a scrollable, selectable browser; links open with the desktop."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("cratewright documentation")
        self.resize(820, 600)
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(True)
        self.browser.setMarkdown(documentation_text())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
