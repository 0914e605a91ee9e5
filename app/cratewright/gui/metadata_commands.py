"""Undo commands of the Metadata page: one committed field edit, undone by restoring the texts.

The command holds the session's file texts before and after the edit (the core's
``MetadataSession`` makes them), so undo and redo are exact and survive a Save.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

from cratewright.errors import CratewrightError

if TYPE_CHECKING:
    from cratewright.gui.pages.metadata_page import MetadataPage

__all__ = ["SetFieldCommand"]


class SetFieldCommand(QUndoCommand):
    """One committed edit: the session's texts before and after it."""

    def __init__(self, page: MetadataPage, key: str, value: Any) -> None:
        super().__init__(f"Set {key}")
        self.page = page
        self.key = key
        self.value = value
        self.before: dict[Path, str] | None = None
        self.after: dict[Path, str] | None = None

    def redo(self) -> None:
        session = self.page.session
        assert session is not None
        if self.after is not None:
            session.restore(self.after)
            self.page.refresh()
            return
        self.before = session.snapshot()
        try:
            session.set_field(self.key, self.value)
        except CratewrightError as exc:
            session.restore(self.before)
            self.setObsolete(True)
            self.page.refresh()
            self.page.show_field_error(self.key, str(exc))
            return
        self.after = session.snapshot()
        if self.after == self.before:
            self.setObsolete(True)
        self.page.refresh()

    def undo(self) -> None:
        session = self.page.session
        assert session is not None and self.before is not None
        session.restore(self.before)
        self.page.refresh()
