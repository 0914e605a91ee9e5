"""The Metadata page's pending edits and Save: what is unsaved, discarding, saving, reloading.

A part of :class:`~cratewright.gui.pages.metadata_page.MetadataPage` (mixed into it). The core's
``MetadataSession`` holds the edited texts; this side asks before anything is discarded or
overwritten, writes through the session and reloads the project afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QMessageBox,
)

from cratewright.core.metadata import FileChange, MetadataSession, ProjectOverview, load_overview
from cratewright.errors import CratewrightError, FileChangedError
from cratewright.gui.diff_dialog import DiffDialog
from cratewright.gui.metadata_commands import SetFieldCommand
from cratewright.gui.metadata_widgets import TextEditor
from cratewright.gui.workers import run_task


def _normalised(value: Any) -> Any:
    return None if value in (None, "", [], {}) else value


class MetadataSaving:
    """The pending-edits and Save side of the Metadata page."""

    # -- pending edits ---------------------------------------------------------------------

    @property
    def has_pending_edits(self) -> bool:
        """Edits not written yet: committed to the session, or still being typed."""
        if self.session is None:
            return False
        typing = any(
            isinstance(e, TextEditor) and e.uncommitted and e.isEnabled()
            for e in self.editors.values()
        )
        return typing or bool(self.session.changes())

    def pending_files(self) -> list[str]:
        """Names of the files the pending edits would change."""
        if self.session is None:
            return []
        self.commit_typing()
        return [change.path.name for change in self.session.changes()]

    def commit_typing(self) -> None:
        """Turn text still being typed into an edit (one undo step), as Enter would."""
        for editor in self.editors.values():
            if isinstance(editor, TextEditor) and editor.uncommitted and editor.isEnabled():
                editor.commit()

    def discard_edits(self) -> None:
        """Drop every unsaved edit: the forms show the files as read (undo history cleared)."""
        if self.session is None:
            return
        self.session.restore({p: f.original_text for p, f in self.session.files.items()})
        for editor in self.editors.values():
            if isinstance(editor, TextEditor):
                editor.set_value(None)
        self.undo_stack.clear()
        self.refresh()

    def resolve_pending(self, action: str) -> bool:
        """Before ``action`` loses the edits: True to go on (saved or discarded), False to stay.

        Saving here does not reload the project: the caller is about to open or close it.
        """
        if not self.has_pending_edits:
            return True
        answer = self.ask_unsaved(action)
        if answer == "cancel":
            return False
        if answer == "discard":
            self.discard_edits()
            return True
        return self.save(reload=False)

    def _loaded(self, session: MetadataSession) -> None:
        self.session = session
        self.undo_stack.clear()
        self._set_enabled(True)
        self.refresh()

    def _failed(self, error: BaseException, trace: str) -> None:
        self._set_enabled(False)
        self.heading.setText("Metadata cannot be read")
        if isinstance(error, CratewrightError):
            self._show_message(str(error), error=True)
        else:
            self._show_message(f"Internal error: {error}\n{trace}", error=True)

    def prepare_screenshot(self) -> None:
        """Wait for the files to be read so the forms show the project."""
        for task in (self._task, self._reload_task):
            if task is not None and task.running:
                task.wait()

    # -- editing and saving ----------------------------------------------------------------

    def _commit(self, key: str) -> None:
        if self.session is None or self.view is None:
            return
        value = self.editors[key].value()
        if _normalised(value) == _normalised(self.view.fields[key].value):
            return
        self.undo_stack.push(SetFieldCommand(self, key, value))

    def save(self, *, reload: bool = True) -> bool:
        """Show the diff, write the files, then reload the project for the other pages.

        Text still being typed is committed first (Save works without leaving the field).
        """
        if self.session is None:
            return False
        self.commit_typing()
        changes = self.session.changes()
        if not changes:
            return False
        if self.view is not None and self.view.errors:
            self._show_message(
                f"Not saved: fix the {len(self.view.errors)} error(s) marked in the forms first.",
                error=True,
            )
            return False
        if not self.confirm_save(changes):
            return False
        try:
            self.session.save()
        except FileChangedError as exc:
            if not self.confirm_overwrite(exc):
                self._show_message(f"Not saved: {exc.message}", error=True)
                return False
            try:
                self.session.save(overwrite=True)
            except CratewrightError as again:
                self._show_message(str(again), error=True)
                return False
        except CratewrightError as exc:
            self._show_message(str(exc), error=True)
            return False
        self._show_message("Saved " + ", ".join(c.path.name for c in changes), error=False)
        self._update_buttons()
        if reload:
            self._reload_project()
        return True

    def _reload_project(self) -> None:
        path = self.state.project_path
        if path is None and self.state.overview is not None:
            path = self.state.overview.root
        if path is None:
            return
        self._reload_task = run_task(
            lambda sink, cancel: load_overview(path, sink=sink),
            parent=self,
            on_success=lambda overview: self._project_reloaded(path, overview),
            on_failure=lambda error, trace: self._reload_failed(path, error, trace),
        )

    def _project_reloaded(self, path: Path, overview: ProjectOverview) -> None:
        self._keep_session_once = True
        self.state.set_project(path, overview)

    def _reload_failed(self, path: Path, error: BaseException, trace: str) -> None:
        """The saved project no longer opens: tell the other pages, keep editing here."""
        if not isinstance(error, CratewrightError):
            self._failed(error, trace)
            return
        self.state.set_project(path, None)
        self.state.status.emit(f"Project no longer opens: {error.message}")

    def save_dialog(self, changes: Sequence[FileChange]) -> DiffDialog:
        """The dialog Save shows: the diff, and every file that changes (Cargo.lock too)."""
        follow_ups = self.session.follow_up_changes() if self.session is not None else []
        return DiffDialog(changes, self, follow_ups)

    def _ask_save(self, changes: Sequence[FileChange]) -> bool:
        return self.save_dialog(changes).exec() == QDialog.DialogCode.Accepted

    def _ask_overwrite(self, error: FileChangedError) -> bool:
        answer = QMessageBox.question(
            self,
            "File changed on disk",
            f"{error.message}.\n\nOverwrite it with your edits?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes
