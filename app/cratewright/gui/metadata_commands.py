"""Undo commands of the Metadata page: one committed field edit, undone by restoring the texts.

The command holds the session's file texts before and after the edit (the core's
``MetadataSession`` makes them), so undo and redo are exact and survive a Save.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand, QUndoStack

from cratewright.errors import CratewrightError

if TYPE_CHECKING:
    from cratewright.core.metadata import MetadataSession
    from cratewright.gui.pages.metadata_page import MetadataPage

__all__ = ["SetFieldCommand", "replay_history"]


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


def replay_history(stack: QUndoStack, session: MetadataSession) -> bool:
    """After :meth:`MetadataSession.rebase`: make every step's texts again on the files as
    they are now, so undo and redo keep what the disk gained (a Release-page tick).

    Each step's value is set again, in order, from the texts as read; the session is left
    as it was. False when the history cannot follow (a step no longer applies, or the
    steps done do not end where the rebased session is): the caller clears the stack.
    """
    current = session.snapshot()
    texts = {path: file.original_text for path, file in session.files.items()}
    commands = [stack.command(i) for i in range(stack.count())]
    at_index = texts if stack.index() == 0 else None
    replayed: list[tuple[SetFieldCommand, dict[Path, str], dict[Path, str]]] = []
    try:
        for number, command in enumerate(commands, start=1):
            if not isinstance(command, SetFieldCommand):
                return False
            session.restore(texts)
            before = texts
            session.set_field(command.key, command.value)
            texts = session.snapshot()
            replayed.append((command, before, texts))
            if number == stack.index():
                at_index = texts
    except CratewrightError:
        return False
    finally:
        session.restore(current)
    if at_index != current:
        return False
    for command, before, after in replayed:
        command.before, command.after = before, after
    return True
