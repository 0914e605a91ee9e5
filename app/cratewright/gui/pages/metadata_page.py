"""The Metadata page: the merged Cargo.toml + [project] metadata as forms.

Each field shows where its value comes from (and what it hides), problems are marked in
place, every committed edit is one step on a QUndoStack, and Save shows the diff of the
user's files before writing them. The page holds a core :class:`MetadataSession`; edits go
through it, so the page never decides which file owns a field or how TOML is written.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import Signal
from PySide6.QtGui import QFont, QUndoStack
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cratewright.core.metadata import (
    FieldView,
    FileChange,
    MetadataSession,
    MetadataView,
    ProjectOverview,
)
from cratewright.errors import CratewrightError, FileChangedError
from cratewright.gui.classifier_picker import ClassifierPicker
from cratewright.gui.disk_change_bar import DiskChangeBar
from cratewright.gui.metadata_saving import MetadataSaving
from cratewright.gui.metadata_widgets import (
    FieldFrame,
    TextEditor,
    contacts_editor,
    entry_points_editor,
    error_colour,
    extras_editor,
    mapping_editor,
    string_list_editor,
)
from cratewright.gui.page import Page
from cratewright.gui.readme_preview import ReadmePreview
from cratewright.gui.state import AppState
from cratewright.gui.unsaved import UnsavedAnswer, ask_unsaved_changes
from cratewright.gui.workers import Task, run_task

__all__ = ["MetadataPage"]

# (tab title, [(field key, label)])
_TABS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "General",
        (
            ("name", "Name"),
            ("version", "Version"),
            ("description", "Summary"),
            ("requires-python", "Requires-Python"),
            ("keywords", "Keywords"),
        ),
    ),
    ("Readme", (("readme", "Readme file"),)),
    ("License", (("license", "License"), ("license-files", "License files"))),
    ("People", (("authors", "Authors"), ("maintainers", "Maintainers"))),
    ("Classifiers", (("classifiers", "Classifiers"),)),
    ("URLs", (("urls", "Project URLs"),)),
    (
        "Dependencies",
        (("dependencies", "Dependencies"), ("optional-dependencies", "Optional dependencies")),
    ),
    (
        "Entry points",
        (("scripts", "Scripts"), ("gui-scripts", "GUI scripts"), ("entry-points", "Entry points")),
    ),
)


class MetadataPage(MetadataSaving, Page):
    """Forms for every metadata field, with provenance, problems, undo/redo and Save.

    Signals ``pending_changed(bool)``: whether there are edits not saved yet (typed or
    committed), so the window can mark its title and the sidebar; ``history_changed()``:
    what Undo/Redo can do changed.
    """

    page_id = "metadata"
    title = "Metadata"

    pending_changed = Signal(bool)
    history_changed = Signal()

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(state, parent)
        self.session: MetadataSession | None = None
        self.view: MetadataView | None = None
        self.undo_stack = QUndoStack(self)
        self.frames: dict[str, FieldFrame] = {}
        self._task: Task | None = None
        self._pending = False
        self._generation = 0
        #: Asked before writing; return True to save. Tests replace it (no modal dialogs).
        self.confirm_save: Callable[[Sequence[FileChange]], bool] = self._ask_save
        #: Asked when a file changed on disk; True overwrites it. Tests replace it.
        self.confirm_overwrite: Callable[[FileChangedError], bool] = self._ask_overwrite
        #: Asked before unsaved edits would be lost (``action`` says why); tests replace it.
        self.ask_unsaved: Callable[[str], UnsavedAnswer] = lambda action: ask_unsaved_changes(
            self, action, self.pending_files()
        )
        self._build()
        self.undo_stack.cleanChanged.connect(self._stack_changed)
        self.undo_stack.indexChanged.connect(self._stack_changed)
        self.project_changed(state.overview)

    # -- construction ----------------------------------------------------------------------

    def _build(self) -> None:
        self.heading = QLabel("No project open", self)
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.heading.setFont(font)
        self.files_label = QLabel(self)
        self.files_label.setWordWrap(True)
        self.summary_label = QLabel(self)
        self.summary_label.setWordWrap(True)
        self.disk_bar = DiskChangeBar(self)
        self.disk_bar.discard.connect(self._discard_for_disk)
        self.undo_button = QPushButton("Undo", self)
        self.redo_button = QPushButton("Redo", self)
        self.reload_button = QPushButton("Re-read files", self)
        self.reload_button.setToolTip(
            "Read pyproject.toml and Cargo.toml again from disk (asks first if edits are unsaved)"
        )
        self.save_button = QPushButton("Save…", self)
        self.save_button.setDefault(True)
        # the shortcuts (Ctrl+Z, Ctrl+Shift+Z, Ctrl+S) live in the window's Edit menu
        self.undo_button.setToolTip("Undo the last edit (Edit ▸ Undo)")
        self.redo_button.setToolTip("Redo (Edit ▸ Redo)")
        self.save_button.setToolTip("Review and write the edits (Edit ▸ Save)")
        self.undo_button.clicked.connect(self.undo_stack.undo)
        self.redo_button.clicked.connect(self.undo_stack.redo)
        self.reload_button.clicked.connect(self.reread_files)
        self.save_button.clicked.connect(self.save)

        top = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.heading)
        titles.addWidget(self.files_label)
        top.addLayout(titles, 1)
        for button in (self.undo_button, self.redo_button, self.reload_button, self.save_button):
            top.addWidget(button)

        self.tabs = QTabWidget(self)
        self.editors: dict[str, Any] = {
            "name": TextEditor("distribution name on PyPI"),
            "version": TextEditor("e.g. 1.2.0 (Cargo: SemVer, [project]: PEP 440)"),
            "description": TextEditor("one-line summary"),
            "requires-python": TextEditor("e.g. >=3.9"),
            "keywords": string_list_editor("Keyword"),
            "readme": TextEditor("path of the readme, e.g. README.md"),
            "license": TextEditor("SPDX expression, e.g. MIT OR Apache-2.0"),
            "license-files": string_list_editor("Glob (relative to pyproject.toml)"),
            "authors": contacts_editor(),
            "maintainers": contacts_editor(),
            "classifiers": ClassifierPicker(),
            "urls": mapping_editor("Label", "URL"),
            "dependencies": string_list_editor("Requirement (PEP 508)"),
            "optional-dependencies": extras_editor(),
            "scripts": mapping_editor("Command", "module:function"),
            "gui-scripts": mapping_editor("Command", "module:function"),
            "entry-points": entry_points_editor(),
        }
        self.readme_preview = ReadmePreview(self)
        self.readme_preview.setMinimumHeight(260)
        self.license_files_label = QLabel(self)
        self.license_files_label.setWordWrap(True)
        self.metadata_text = QPlainTextEdit(self)
        self.metadata_text.setReadOnly(True)
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.metadata_text.setFont(mono)

        for title, fields in _TABS:
            body = QWidget()
            form = QFormLayout(body)
            form.setContentsMargins(16, 14, 16, 14)
            form.setVerticalSpacing(10)
            form.setHorizontalSpacing(18)
            for key, label in fields:
                editor = self.editors[key]
                frame = FieldFrame(editor, body)
                self.frames[key] = frame
                editor.edited.connect(lambda key=key: self._commit(key))
                if isinstance(editor, TextEditor):
                    editor.typed.connect(self._update_buttons)
                form.addRow(f"{label}:", frame)
            if title == "Readme":
                form.addRow("Preview:", self.readme_preview)
            if title == "License":
                form.addRow("Files shipped:", self.license_files_label)
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(body)
            self.tabs.addTab(scroll, title)
        self.tabs.addTab(self.metadata_text, "METADATA")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.disk_bar)  # below: nothing above it moves when it appears
        self._update_buttons()

    # -- loading ---------------------------------------------------------------------------

    def project_changed(self, overview: ProjectOverview | None) -> None:
        """Open the metadata files of the new project (off the UI thread).

        Edits are never pending here: the window asks before another project opens. A
        reading of the same project after a Save keeps the session and its undo history
        (:meth:`project_updated`).
        """
        self.disk_bar.hide()
        self.session = None
        self.view = None
        self.undo_stack.clear()
        path = self.state.project_path
        if overview is None and path is None:
            self.heading.setText("No project open")
            self.files_label.setText("Open a project to edit its metadata.")
            self.summary_label.clear()
            self._set_enabled(False)
            return
        self._set_enabled(False)
        if overview is not None:
            self.heading.setText(f"Loading {overview.name}…")
            project = overview.project
            cargo_toml, pyproject_toml = project.cargo_toml, project.pyproject_toml
            opener = lambda sink, cancel: MetadataSession(cargo_toml, pyproject_toml)  # noqa: E731
        else:
            # the project did not open (often because of its metadata): open the files anyway
            # so the problem can be seen and fixed here
            self.heading.setText(f"Loading {path}…")
            opener = lambda sink, cancel: MetadataSession.open(path)  # noqa: E731
        self._generation += 1
        generation = self._generation

        def current(handler: Callable[..., None]) -> Callable[..., None]:
            # a load superseded by a newer one (another project_changed) is ignored
            return lambda *args: handler(*args) if generation == self._generation else None

        self._task = run_task(
            opener, parent=self, on_success=current(self._loaded), on_failure=current(self._failed)
        )

    def reread_files(self) -> None:
        """ "Re-read files": asks Save / Discard / Cancel first when edits are pending."""
        if not self.resolve_pending("re-reading the files from disk"):
            return
        self.project_changed(self.state.overview)

    # -- showing ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Recompute the view from the session's texts and show every field."""
        if self.session is None:
            return
        try:
            self.view = self.session.view()
        except CratewrightError as exc:
            self._show_message(str(exc), error=True)
            return
        view = self.view
        self.heading.setText(f"{view.fields['name'].value or '?'} — package metadata")
        m = view.manifests
        paths = [p for p in (m.pyproject_path, m.cargo_path) if p is not None]
        if m.workspace_path and m.workspace_path != m.cargo_path:
            paths.append(m.workspace_path)
        names = [_relative(p, m.project_dir) for p in paths]
        self.files_label.setText(f"Merged from {' + '.join(names)} in {m.project_dir}")
        self.files_label.setToolTip("\n".join(str(p) for p in paths))
        for key, frame in self.frames.items():
            self._show_field(frame, view.fields[key], view)
        core = view.core
        self.readme_preview.show_description(
            core.description if core else None, core.description_content_type if core else None
        )
        shipped = [f.archive_name for f in core.license_files] if core else []
        self.license_files_label.setText(", ".join(shipped) or "none")
        self.metadata_text.setPlainText(view.render() or "(metadata cannot be resolved)")
        for index, (_title, fields) in enumerate(_TABS):
            bad = any(p.severity == "error" for k, _ in fields for p in view.problems_for(k))
            self.tabs.setTabText(index, f"{_TABS[index][0]}{'  ✗' if bad else ''}")
        errors, warnings = len(view.errors), len(view.problems) - len(view.errors)
        if errors or warnings:
            self._show_message(
                f"{errors} error(s), {warnings} warning(s): see the marked fields.",
                error=errors > 0,
            )
        else:
            self._show_message("✓ Valid metadata: the same check twine runs passes.", error=False)
        self._update_buttons()

    def _show_field(self, frame: FieldFrame, field: FieldView, view: MetadataView) -> None:
        editor = frame.editor
        editor.set_value(field.value)
        editor.setEnabled(field.locked is None)
        prov = field.provenance
        lines = [prov.describe()]
        for over in prov.overrides:
            lines.append(
                f"overrides {over.location.describe()} = {_short(over.value)} ({over.reason})"
            )
        if field.locked:
            lines.append(f"read-only: {field.locked}")
        elif field.target is not None:
            lines.append(f"edits go to {field.target.describe()}")
        frame.set_provenance("\n".join(lines), str(field.target.file) if field.target else "")
        frame.set_problems(view.problems_for(field.key))

    def show_field_error(self, key: str, message: str) -> None:
        """An edit was refused (e.g. unrepresentable in Cargo.toml): say so at the field."""
        frame = self.frames[key]
        frame.problems.setText(f"✗ {message}")
        frame.problems.setStyleSheet(f"color: {error_colour(self)};")
        frame.problems.show()

    def _show_message(self, text: str, *, error: bool) -> None:
        self.summary_label.setText(text)
        self.summary_label.setStyleSheet(f"color: {error_colour(self)};" if error else "")

    def _set_enabled(self, enabled: bool) -> None:
        self.tabs.setEnabled(enabled)
        self.reload_button.setEnabled(enabled)
        self._update_buttons()

    def _stack_changed(self, *_args: object) -> None:
        # the stack also emits while the page is being destroyed; ignore that
        if shiboken6.isValid(self.undo_stack) and shiboken6.isValid(self.undo_button):
            self._update_buttons()
            self.history_changed.emit()

    def _update_buttons(self) -> None:
        self.undo_button.setEnabled(self.undo_stack.canUndo())
        self.redo_button.setEnabled(self.undo_stack.canRedo())
        pending = self.has_pending_edits
        self.save_button.setEnabled(pending)
        if pending != self._pending:
            self._pending = pending
            self.pending_changed.emit(pending)


def _relative(path: Path, base: Path) -> str:
    try:
        return os.path.relpath(path, base)
    except ValueError:
        return str(path)


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "…"
