"""The Interpreters & Targets page: every Python and Rust target here, and which the build uses.

The listing, the probes and the rustc/rustup calls run in a worker (``run_task``); the page
only shows their results. Which interpreters can build the open project, and the wheel tags
the current choice gives, come from the core (``assess_interpreter``, ``preview_wheel_tags``),
so the page shows exactly what a build would do. The choice goes into AppState, which the
Build page reads.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from cratewright.core.build import (
    RustTarget,
    default_zig_compatibility,
    parse_target,
    platform_tag_preview,
    preview_wheel_tags,
)
from cratewright.core.interpreters import (
    InterpreterInfo,
    Usability,
)
from cratewright.core.metadata import ProjectOverview
from cratewright.errors import CratewrightError
from cratewright.events import CancelToken, EventSink
from cratewright.gui.formatting import display_path
from cratewright.gui.interpreter_scan import EXTRA_KEY, _Scan, _scan, _stored_paths
from cratewright.gui.interpreter_table import (
    _BAD,
    _COLUMNS,
    _PATH,
    ColumnFitter,
    InterpreterTable,
    PathDelegate,
)
from cratewright.gui.page import Page
from cratewright.gui.settings import app_settings
from cratewright.gui.state import AppState
from cratewright.gui.target_choice import TargetChoice
from cratewright.gui.workers import Task, run_task

__all__ = ["InterpretersPage"]


class InterpretersPage(InterpreterTable, TargetChoice, Page):
    """Interpreter table with checkboxes, target list with zig, and the wheel-tag preview."""

    page_id = "interpreters"
    title = "Interpreters & Targets"

    def __init__(
        self,
        state: AppState,
        parent: QWidget | None = None,
        *,
        settings: QSettings | None = None,
        autoload: bool = True,
    ) -> None:
        super().__init__(state, parent)
        self._settings = settings or app_settings()
        self._scan_result: _Scan | None = None
        self._task: Task | None = None
        self._pending = False
        self._verdicts: dict[Path, Usability] = {}
        self._filling = False
        self._build()
        if autoload:
            self.refresh()

    # ------------------------------------------------------------------------------------
    # Widgets

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)

        top = QHBoxLayout()
        heading = QLabel("Python interpreters", self)
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        top.addWidget(heading)
        top.addStretch(1)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("interpreters-status")
        top.addWidget(self.status_label)
        self.refresh_button = QPushButton("Refresh", self)
        self.refresh_button.setToolTip("Search and probe again (answers are cached per file)")
        self.refresh_button.clicked.connect(self.refresh)
        self.add_button = QPushButton("Add interpreter…", self)
        self.add_button.clicked.connect(self._choose_interpreter)
        top.addWidget(self.refresh_button)
        top.addWidget(self.add_button)
        layout.addLayout(top)

        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("error")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {_BAD.name()};")
        self.error_label.hide()
        layout.addWidget(self.error_label)

        self.table = QTableWidget(0, len(_COLUMNS), self)
        self.table.setHorizontalHeaderLabels(_COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.column_fitter = ColumnFitter(self.table)  # never scrolls sideways
        self.table.itemChanged.connect(self._item_changed)
        self.table.setItemDelegateForColumn(_PATH, PathDelegate(self.table))
        # at 1024x700 the table still shows 8 rows; the target list below gives up height
        row = self.table.verticalHeader().defaultSectionSize()
        self.table.setMinimumHeight(8 * row + self.fontMetrics().height() + 28)
        layout.addWidget(self.table, 3)

        self.skipped_label = QLabel(self)
        self.skipped_label.setWordWrap(True)
        self.skipped_label.setTextFormat(Qt.TextFormat.RichText)
        self.skipped_label.linkActivated.connect(lambda _link: self.show_skipped())
        self.skipped_label.hide()
        self.skipped_details = ""
        layout.addWidget(self.skipped_label)

        bottom = QHBoxLayout()
        bottom.setSpacing(16)
        bottom.addWidget(self._target_box(), 1)
        bottom.addWidget(self._preview_box(), 1)
        layout.addLayout(bottom, 2)

    def _target_box(self) -> QGroupBox:
        box = QGroupBox("Rust target", self)
        column = QVBoxLayout(box)
        self.target_filter = QLineEdit(box)
        self.target_filter.setPlaceholderText("Filter targets…")
        self.target_filter.setClearButtonEnabled(True)
        self.target_filter.textChanged.connect(self._filter_targets)
        column.addWidget(self.target_filter)
        self.target_list = QListWidget(box)
        self.target_list.currentItemChanged.connect(self._target_changed)
        column.addWidget(self.target_list)
        self.zig_check = QCheckBox("Link with zig for an older glibc (--zig)", box)
        self.zig_check.setEnabled(False)
        self.zig_check.toggled.connect(self._zig_toggled)
        column.addWidget(self.zig_check)
        self.zig_label = QLabel(box)
        self.zig_label.setWordWrap(True)
        column.addWidget(self.zig_label)
        return box

    def _preview_box(self) -> QGroupBox:
        box = QGroupBox("Wheels the next build produces", self)
        column = QVBoxLayout(box)
        self.preview_list = QListWidget(box)
        self.preview_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        # a wheel name is long and has no spaces: wrapped inside the box, never cut
        self.preview_list.setWordWrap(True)
        self.preview_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.preview_list.setResizeMode(QListWidget.ResizeMode.Adjust)
        column.addWidget(self.preview_list)
        self.preview_note = QLabel(box)
        self.preview_note.setWordWrap(True)
        column.addWidget(self.preview_note)
        return box

    # ------------------------------------------------------------------------------------
    # Loading

    def refresh(self) -> None:
        """Search and probe again in the background; the window stays responsive."""
        if self._task is not None and self._task.running:
            self._pending = True
            return
        overview = self.state.overview
        project_dir = overview.root if overview is not None else None
        pyo3 = bool(overview and overview.bindings.uses_pyo3)
        extra = _stored_paths(self._settings)
        self.status_label.setText("Searching for interpreters…")
        self.refresh_button.setEnabled(False)

        def work(sink: EventSink, cancel: CancelToken) -> _Scan:
            return _scan(project_dir, extra, pyo3)

        self._task = run_task(
            work,
            parent=self,
            on_success=self._loaded,
            on_failure=self._failed,
            on_finished=self._finished,
        )

    def _finished(self) -> None:
        self.refresh_button.setEnabled(True)
        if self._pending:
            self._pending = False
            self.refresh()

    def _failed(self, error: BaseException, trace: str) -> None:
        if isinstance(error, CratewrightError):
            self._show_error(str(error))
        else:
            self._show_error(f"Internal error while searching for interpreters: {error}\n{trace}")
        self.status_label.setText("Search failed")

    def _show_error(self, text: str | None) -> None:
        self.error_label.setText(text or "")
        self.error_label.setVisible(bool(text))

    def _loaded(self, scan: _Scan) -> None:
        self._scan_result = scan
        self._show_error(None)
        self._fill_table()
        self._fill_skipped()
        self._fill_targets()
        self._update_preview()

    # ------------------------------------------------------------------------------------
    # Adding an interpreter

    def _choose_interpreter(self) -> None:
        overview = self.state.overview
        start = overview.root if overview is not None else Path.home()
        path, _ = QFileDialog.getOpenFileName(self, "Add a Python interpreter", str(start))
        if path:
            self.add_interpreter(Path(path))

    def add_interpreter(self, path: Path) -> None:
        """Remember ``path`` (QSettings) and probe it with the others in the background."""
        stored = _stored_paths(self._settings)
        if str(path) not in stored:
            self._settings.setValue(EXTRA_KEY, [*stored, str(path)])
            self._settings.sync()
        self.refresh()

    # ------------------------------------------------------------------------------------
    # Preview

    def _selected_infos(self) -> list[InterpreterInfo]:
        scan = self._scan_result
        if scan is None:
            return []
        by_path = {f.path: f.info for f in scan.listing.interpreters if f.info is not None}
        chosen = [by_path[p] for p in self.checked_paths() if p in by_path]
        if not chosen and scan.default is not None:
            return [scan.default]
        return chosen

    def _update_preview(self) -> None:
        self.preview_list.clear()
        overview = self.state.overview
        scan = self._scan_result
        if overview is None or scan is None:
            note = "Open a project to see its wheel tags." if scan else "Searching…"
            self.preview_note.setText(note)
            return
        try:
            tags, note = self._preview(overview, scan)
        except CratewrightError as exc:
            self.preview_note.setText(str(exc))
            return
        for tag in tags:
            self.preview_list.addItem(tag)
        self.preview_note.setText(note)
        self.preview_note.setToolTip(str(scan.default.executable) if scan.default else "")

    def _preview(self, overview: ProjectOverview, scan: _Scan) -> tuple[list[str], str]:
        triple = self._selected_triple() or self._host()
        target = parse_target(triple) if triple else RustTarget("x86_64-unknown-linux-gnu")
        zig = self.zig_check.isChecked()
        compatibility = overview.project.maturin.compatibility
        zig_default = default_zig_compatibility(target) if zig else None
        platform = platform_tag_preview(target, compatibility, zig_default=zig_default)
        bindings = overview.bindings
        infos = self._selected_infos() if bindings.needs_interpreter else []
        notes: list[str] = []
        if bindings.needs_interpreter and not self.checked_paths():
            found = scan.default
            default = (
                f"{found.kind_display} {found.version_display} at {display_path(found.executable)}"
                if found
                else scan.default_error
            )
            notes.append(f"Nothing ticked: the default interpreter is used ({default}).")
        if infos and triple != self._host():
            notes.append(f"Cross-compiling {bindings.label} bindings for {triple} is not "
                         "supported yet; pick the host target.")  # fmt: skip
        if "*" in platform:
            notes.append("The audit picks the manylinux version (*) after compiling.")
        meta = overview.metadata
        tags = [f"{meta.dist_name}-{meta.escaped_version}-{tag}.whl"
                for tag, _ in preview_wheel_tags(bindings, infos, platform)]  # fmt: skip
        if not tags:
            notes.append("No wheel: no interpreter that can build this project is available.")
        elif infos:
            wheels = "1 wheel" if len(tags) == 1 else f"{len(tags)} wheels"
            people = "1 interpreter" if len(infos) == 1 else f"{len(infos)} interpreters"
            notes.insert(0, f"{wheels} for {people}.")
        return tags, " ".join(notes)

    # ------------------------------------------------------------------------------------
    # Page contract

    def project_changed(self, overview: ProjectOverview | None) -> None:
        """Re-judge the interpreters for the new project and search again (its .venv)."""
        self._fill_table()
        self._update_preview()
        self.refresh()

    def project_updated(self, overview: ProjectOverview) -> None:
        """The same project read again: judge the rows against its Requires-Python and name
        the wheels with its version; the interpreters found stay (no new search)."""
        del overview
        self._fill_table()
        self._update_preview()

    def prepare_screenshot(self) -> None:
        """Wait for the background search so the render shows real rows."""
        if self._task is None:
            self.refresh()
        while self._task is not None and self._task.running:
            self._task.wait(120_000)  # delivers the result; a queued refresh starts a new task
