"""The Metadata page's pending edits and Save: what is unsaved, discarding, saving, reloading.

A part of :class:`~cratewright.gui.pages.metadata_page.MetadataPage` (mixed into it). The core's
``MetadataSession`` holds the edited texts; this side asks before anything is discarded or
overwritten, writes through the session and has the shared state read the project again; when
the files change on disk while edits are pending, it keeps them and asks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QMessageBox,
)

from cratewright.core.metadata import FileChange, MetadataSession, ProjectOverview
from cratewright.errors import CratewrightError, FileChangedError
from cratewright.gui.diff_dialog import DiffDialog
from cratewright.gui.metadata_commands import SetFieldCommand, replay_history
from cratewright.gui.metadata_widgets import TextEditor


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
        self.state.wait_reread()
        if self._task is not None and self._task.running:
            self._task.wait()

    # -- editing and saving ----------------------------------------------------------------

    def _commit(self, key: str) -> None:
        if self.session is None or self.view is None:
            return
        value = self.editors[key].value()
        if _normalised(value) == _normalised(self.view.fields[key].value):
            return
        self.undo_stack.push(SetFieldCommand(self, key, value))

    def save(self, *, reload: bool = True) -> bool:
        """Show the diff, write the files, then have the project read again for every page.

        Text still being typed is committed first (Save works without leaving the field).
        """
        if self.session is None:
            return False
        self.commit_typing()
        self.follow_own_writes()  # a tick written before the project was read again
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
        self.disk_bar.hide()
        self._update_buttons()
        if reload:  # every page follows the saved files, through the shared state
            self.state.files_written()
        return True

    def project_updated(self, overview: ProjectOverview) -> None:
        """The project was read again because its files changed (our Save, a version bump,
        another program): follow the disk, but never drop pending edits without asking."""
        session = self.session
        if session is None:  # not read yet, or could not be read: read the files now
            self.project_changed(overview)
            return
        stale = session.stale_files()
        if not stale:  # our own Save: the session is the disk (and its undo history stays)
            self.disk_bar.hide()
            self.refresh()
        elif not self.has_pending_edits:  # nothing to lose: show the files as they are now
            self.project_changed(overview)
        elif not self.follow_own_writes():  # another program: keep the edits and ask
            self.disk_bar.show_files(stale)
            self.state.status.emit(
                f"{', '.join(p.name for p in stale)} changed on disk; your unsaved metadata "
                "edits are kept (see the Metadata page)"
            )

    def follow_own_writes(self) -> bool:
        """Take in what this app itself wrote under pending edits (a Release-page tick in
        pyproject.toml): the session reads the files again and applies the pending edits
        on top, so Save writes both and asks no overwrite question.

        False (nothing changes) when the files are current, when another program changed
        them, or when a field changed on both sides: the disk bar asks about those.
        """
        session = self.session
        if session is None:
            return False
        stale = session.stale_files()
        if not stale or not self.state.written_by_app(stale):
            return False
        self.commit_typing()
        try:
            session.rebase()
        except CratewrightError:
            return False
        if not replay_history(self.undo_stack, session):
            self.undo_stack.clear()  # the steps no longer apply one by one; the edits stay
        self.disk_bar.hide()
        self.refresh()
        return True

    def _discard_for_disk(self) -> None:
        """The bar's Discard: drop the edits, show the files as they are on disk now."""
        self.discard_edits()
        self.project_changed(self.state.overview)

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
