"""The Release page: every platform's wheels through CI, designed, previewed and written here.

The page shows state it does not own: the matrix, the YAML and the validation come from
``core/ci`` for the project's pyproject.toml as it is on disk. A tick or an option is written
straight into ``[tool.maturin.generate-ci.github]`` (tomlkit, comments kept), so nothing is
ever pending here and ``cratewright generate-ci`` produces the same file as the preview.
"Write workflow" shows the diff against the file on disk before it replaces it atomically.
"""

from __future__ import annotations

import html
import re
import tomllib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from cratewright.core.ci import (
    CIOptions,
    ProjectFacts,
    Provider,
    ResolvedCI,
    ToolReport,
    facts_from,
    gitlab_header_notes,
    release_matrix,
    render,
    resolve_for_project,
    set_option,
    set_target,
    validate,
    write_atomically,
)
from cratewright.core.metadata import ProjectOverview
from cratewright.errors import CratewrightError
from cratewright.gui.page import Page
from cratewright.gui.release_views import ReleaseMatrixTable, YamlHighlighter
from cratewright.gui.release_writing import ReleaseWriting
from cratewright.gui.state import AppState
from cratewright.gui.workers import Task, run_task

__all__ = ["ReleasePage"]

# (key in the table, label, one-line explanation); attestation is shown as "on" = not skipped.
_OPTIONS = (
    ("pytest", "Run pytest", "tests the wheels on each platform before the release"),
    ("zig", "Link Linux wheels with zig", "cross-compiles against an older glibc"),
    ("skip-attestation", "Attest the artifacts", "signs the build provenance of every file"),
    ("trusted-publishing", "Trusted publishing", "PyPI trusts the workflow: no token secret"),
)  # fmt: skip
_PROVIDERS: tuple[tuple[Provider, str], ...] = (
    ("github", "GitHub Actions"),
    ("gitlab", "GitLab CI"),
)
_VALIDATE_DELAY_MS = 300


class ReleasePage(ReleaseWriting, Page):
    """Platforms x architectures with their wheel tags, CI options, YAML preview and checks."""

    page_id = "release"
    title = "Release"

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(state, parent)
        self._facts: ProjectFacts | None = None
        self._pyproject: Path | None = None
        self._root: Path | None = None
        self._ci: ResolvedCI | None = None
        self._yaml = ""
        self._validation: Task | None = None
        #: Asked before a workflow is written (label, diff) -> write?; tests replace it.
        self.confirm_write: Callable[[str, str], bool] = self._ask_write
        self._build()
        self._validate_timer = QTimer(self, singleShot=True, interval=_VALIDATE_DELAY_MS)
        self._validate_timer.timeout.connect(self._start_validation)
        self.project_changed(state.overview)

    # -- widgets -------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        top = QHBoxLayout()
        self.summary = QLabel(self)
        self.summary.setObjectName("release-summary")
        self.summary.setWordWrap(True)
        top.addWidget(self.summary, 1)
        self.provider = QComboBox(self)
        for key, label in _PROVIDERS:
            self.provider.addItem(label, key)
        self.provider.setAccessibleName("CI provider")
        self.provider.currentIndexChanged.connect(lambda _i: self.refresh())
        top.addWidget(QLabel("CI:", self))
        top.addWidget(self.provider)
        layout.addLayout(top)
        self.problem = QLabel(self)
        self.problem.setObjectName("release-problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020;")
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem.hide()
        layout.addWidget(self.problem)
        self.matrix = ReleaseMatrixTable(self)
        self.matrix.toggled.connect(self._on_toggled)
        layout.addWidget(self.matrix)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self._build_options())
        splitter.addWidget(self._build_preview())
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([330, 520])
        layout.addWidget(splitter, 1)

    def _build_options(self) -> QWidget:
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        box = QGroupBox("Options (saved in pyproject.toml)", scroll)
        scroll.setWidget(box)
        form = QVBoxLayout(box)
        form.setSpacing(2)
        self.options: dict[str, QCheckBox] = {}
        for key, label, explanation in _OPTIONS:
            check = QCheckBox(label, box)
            check.setObjectName(f"option-{key}")
            check.toggled.connect(lambda on, key=key: self._on_option(key, on))
            form.addWidget(check)
            note = QLabel(explanation, box)
            note.setWordWrap(True)
            note.setContentsMargins(22, 0, 0, 4)
            note.setStyleSheet("color: palette(placeholder-text);")
            form.addWidget(note)
            self.options[key] = check
        env_row = QFormLayout()
        self.environment = QLineEdit(box)
        self.environment.setObjectName("option-publishing-environment")
        self.environment.setPlaceholderText("e.g. pypi")
        self.environment.editingFinished.connect(self._on_environment)
        env_row.addRow("Environment:", self.environment)
        form.addLayout(env_row)
        note = QLabel("the release job's GitHub environment (approvals)", box)
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(placeholder-text);")
        form.addWidget(note)
        form.addStretch(1)
        self.status = QLabel(box)
        self.status.setObjectName("release-status")
        self.status.setWordWrap(True)
        form.addWidget(self.status)
        return scroll

    def _build_preview(self) -> QWidget:
        panel = QWidget(self)
        column = QVBoxLayout(panel)
        column.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.checks = QLabel("Checks: —", panel)
        self.checks.setObjectName("release-checks")
        self.checks.setWordWrap(True)
        row.addWidget(self.checks, 1)
        self.target_file = QComboBox(panel)
        self.target_file.setObjectName("workflow-file")
        self.target_file.setAccessibleName("Workflow file to write")
        self.target_file.setToolTip('The file "Write workflow" replaces (diff shown first)')
        row.addWidget(self.target_file)
        self.write_button = QPushButton("Write workflow…", panel)
        self.write_button.setObjectName("write-workflow")
        self.write_button.clicked.connect(self.write_workflow)
        row.addWidget(self.write_button)
        column.addLayout(row)
        self.preview = QPlainTextEdit(panel)
        self.preview.setObjectName("release-yaml")
        self.preview.setReadOnly(True)
        self.preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.preview.setAccessibleName("Workflow preview (read-only)")
        self._highlighter = YamlHighlighter(self.preview.document())
        column.addWidget(self.preview, 1)
        return panel

    # -- state -----------------------------------------------------------------------------
    @property
    def provider_key(self) -> Provider:
        """ "github" or "gitlab", as chosen above the preview."""
        return self.provider.currentData()

    @property
    def yaml_text(self) -> str:
        """The CI file exactly as "Write workflow" would write it."""
        return self._yaml

    @property
    def resolved(self) -> ResolvedCI | None:
        """The release matrix shown, None when the project's table has an error."""
        return self._ci

    def project_changed(self, overview: ProjectOverview | None) -> None:
        if overview is None:
            self._facts = self._pyproject = self._root = None
        else:
            self._facts = facts_from(overview.project, overview.bindings)
            self._pyproject = overview.project.pyproject_toml
            self._root = overview.root
        self.refresh()

    def _read_pyproject(self) -> tuple[str, dict | None]:
        if self._pyproject is None:
            return "", None
        text = self._pyproject.read_text(encoding="utf-8")
        return text, tomllib.loads(text)

    def refresh(self) -> None:
        """Re-read pyproject.toml and show the matrix, options, YAML and checks for it."""
        enabled = self._facts is not None
        for widget in (self.matrix, self.write_button, self.environment, *self.options.values()):
            widget.setEnabled(enabled)
        if self._facts is None:
            self.summary.setText("Open a project to plan its release.")
            self.preview.setPlainText("")
            self._ci, self._yaml = None, ""
            return
        try:
            _text, data = self._read_pyproject()
            ci = resolve_for_project(data, self._facts, CIOptions())
            provider = self.provider_key
            yaml = render(ci, provider, command=["cratewright", "generate-ci", provider])
        except (CratewrightError, OSError, tomllib.TOMLDecodeError) as exc:
            self._show_problem(str(exc))
            return
        self.problem.hide()
        self._ci, self._yaml = ci, yaml
        matrix = release_matrix(ci)
        self.matrix.set_matrix(matrix)
        others = f"; also {', '.join(matrix.other_targets)}" if matrix.other_targets else ""
        # a flag such as --find-interpreter is never wrapped at its dashes (non-breaking ones)
        summary = re.sub(r"--[\w-]+", lambda flag: flag.group().replace("-", "\u2011"),
                         html.escape(matrix.python_summary))  # fmt: skip
        self.summary.setText(
            f"<b>{html.escape(self._facts.name)}</b>: {summary}. "
            f"{matrix.wheel_count} wheels and an sdist per release{html.escape(others)}."
        )
        self._show_options(ci)
        self._fill_target_files()
        self.preview.setPlainText(yaml)
        if provider == "gitlab":
            notes = gitlab_header_notes(ci)
            self.status.setText("On GitLab: " + "; ".join(notes) if notes else "")
        if self._pyproject is None:
            self.status.setText("No pyproject.toml: settings cannot be saved (defaults shown).")
            for widget in (self.matrix, self.environment, *self.options.values()):
                widget.setEnabled(False)
        self.checks.setText("Checks: running…")
        self._validate_timer.start()

    def _show_problem(self, message: str) -> None:
        self._ci, self._yaml = None, ""
        self.problem.setText(f"💥 {message}")
        self.problem.show()
        self.preview.setPlainText("")
        self.write_button.setEnabled(False)
        self.checks.setText("Checks: —")

    def _show_options(self, ci: ResolvedCI) -> None:
        values = {"pytest": ci.pytest, "zig": ci.zig, "skip-attestation": not ci.skip_attestation,
                  "trusted-publishing": ci.trusted_publishing}  # fmt: skip
        for key, check in self.options.items():
            check.blockSignals(True)
            check.setChecked(values[key])
            check.blockSignals(False)
        if not self.environment.hasFocus():
            self.environment.setText(ci.publishing_environment or "")

    # -- edits -----------------------------------------------------------------------------
    def _save(self, edit: Callable[[str], str], done: str) -> None:
        if self._pyproject is None:
            return
        try:
            text, _data = self._read_pyproject()
            write_atomically(self._pyproject, edit(text))
        except (CratewrightError, OSError, tomllib.TOMLDecodeError) as exc:
            self.status.setText(f"💥 Not saved: {exc}")
            self.refresh()
            return
        self.status.setText(f"{done}; saved to pyproject.toml")
        self.refresh()
        self.state.files_written()  # the other pages read it again too

    def _on_toggled(self, platform: str, arch: str, enabled: bool) -> None:
        ci = self._ci
        if ci is None:
            return
        verb = "Added" if enabled else "Removed"
        self._save(lambda text: set_target(text, ci, platform, arch, enabled),
                   f"{verb} {platform} {arch}")  # fmt: skip

    def _on_option(self, key: str, on: bool) -> None:
        value = not on if key == "skip-attestation" else on
        self._save(lambda text: set_option(text, key, value), f"{key} = {str(value).lower()}")

    def _on_environment(self) -> None:
        value = self.environment.text().strip()
        if self._ci is not None and value == (self._ci.publishing_environment or ""):
            return
        done = f"publishing-environment = {value!r}" if value else "no environment"
        self._save(lambda text: set_option(text, "publishing-environment", value), done)

    # -- validation ------------------------------------------------------------------------
    def _start_validation(self) -> None:
        if self._validation is not None and self._validation.running:
            self._validate_timer.start()
            return
        text, provider = self._yaml, self.provider_key
        if not text:
            return
        self._validation = run_task(
            lambda _sink, _cancel: (text, validate(text, provider)),
            parent=self,
            on_success=self._show_validation,
            on_failure=lambda error, _trace: self.checks.setText(f"Checks failed: {error}"),
        )

    def _show_validation(self, result: tuple[str, list[ToolReport]]) -> None:
        text, reports = result
        if text != self._yaml:
            return  # an older file's answer; the newer one is on its way
        lines = []
        for report in reports:
            mark = "✔" if report.ok and report.available else ("–" if not report.available else "✘")
            lines.append(f"{mark} {report.summary}")
            lines += [
                f"    {f.severity}: {f.ident} at {f.where}" for f in report.findings if f.blocking
            ]
        self.checks.setText("\n".join(lines))

    def prepare_screenshot(self) -> None:
        if self._validate_timer.isActive():
            self._validate_timer.stop()
            self._start_validation()
        if self._validation is not None:
            self._validation.wait(60_000)
