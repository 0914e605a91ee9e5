"""The questions asked before work is lost: unsaved metadata edits, running jobs.

Both return plain values so that pages and the window keep them behind replaceable hooks
(tests answer without a modal dialog).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from PySide6.QtWidgets import QMessageBox, QWidget

__all__ = ["UnsavedAnswer", "ask_stop_jobs", "ask_unsaved_changes"]

UnsavedAnswer = Literal["save", "discard", "cancel"]


def ask_unsaved_changes(parent: QWidget, action: str, files: Sequence[str]) -> UnsavedAnswer:
    """Save / Discard / Cancel before ``action`` (e.g. "closing the window")."""
    names = ", ".join(files) or "the metadata files"
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Unsaved metadata edits",
        f"The metadata has edits that are not saved to {names}.",
        QMessageBox.StandardButton.Save
        | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setInformativeText(f"Save them before {action}?")
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    answer = box.exec()
    if answer == QMessageBox.StandardButton.Save:
        return "save"
    if answer == QMessageBox.StandardButton.Discard:
        return "discard"
    return "cancel"


def ask_stop_jobs(parent: QWidget, jobs: Sequence[str]) -> bool:
    """True when the user agrees to stop the running ``jobs`` (each described in words)."""
    listing = "\n".join(f"• {job}" for job in jobs)
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Work is still running",
        f"Closing cratewright stops:\n{listing}",
        QMessageBox.StandardButton.Cancel,
        parent,
    )
    stop = box.addButton("Stop and quit", QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is stop
