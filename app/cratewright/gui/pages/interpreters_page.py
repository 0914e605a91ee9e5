"""The Interpreters & Targets page: every Python and Rust target here, and which the build uses.

The listing, the probes and the rustc/rustup calls run in a worker (``run_task``); the page
only shows their results. Which interpreters can build the open project, and the wheel tags
the current choice gives, come from the core (``assess_interpreter``, ``preview_wheel_tags``),
so the page shows exactly what a build would do. The choice goes into AppState, which the
Build page reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cratewright.core.build.plan import preview_wheel_tags
from cratewright.core.build.rust_target import RustTarget, parse_target
from cratewright.core.build.targets import TargetListing, list_targets, platform_tag_preview
from cratewright.core.build.zig import default_zig_compatibility
from cratewright.core.interpreters import (
    FoundInterpreter,
    InterpreterInfo,
    InterpreterListing,
    ProjectNeeds,
    Usability,
    assess_interpreter,
    default_interpreter,
    list_interpreters,
)
from cratewright.core.metadata.overview import ProjectOverview
from cratewright.errors import CratewrightError
from cratewright.events import CancelToken, EventSink
from cratewright.gui.page import Page
from cratewright.gui.settings import app_settings
from cratewright.gui.state import AppState
from cratewright.gui.workers import Task, run_task

__all__ = ["EXTRA_KEY", "InterpretersPage"]

#: QSettings key of the interpreters the user added by hand (a list of paths).
EXTRA_KEY = "interpreters/extra"

_COLUMNS = ("Kind", "Version", "ABI tag", "Venv", "For this project", "Path")
_KIND, _VERSION, _ABI, _VENV, _USABLE, _PATH = range(len(_COLUMNS))
_PATH_ROLE = Qt.ItemDataRole.UserRole
# Small semantic colours for the usable/unusable badges; readable on light and dark palettes.
_OK = QColor("#3d9a4a")
_BAD = QColor("#d0473e")


@dataclass(frozen=True)
class _Scan:
    """What one background refresh learned."""

    listing: InterpreterListing
    default: InterpreterInfo | None
    default_error: str | None
    targets: TargetListing | None
    targets_error: str | None


def _scan(project_dir: Path | None, extra: list[str], pyo3: bool) -> _Scan:
    """Runs in the worker: list interpreters, the default one and the targets."""
    listing = list_interpreters(project_dir=project_dir, extra=extra)
    default: InterpreterInfo | None = None
    default_error: str | None = None
    try:
        default = default_interpreter(pyo3=pyo3)
    except CratewrightError as exc:
        default_error = str(exc)
    targets: TargetListing | None = None
    targets_error: str | None = None
    try:
        targets = list_targets()
    except CratewrightError as exc:
        targets_error = str(exc)
    return _Scan(listing, default, default_error, targets, targets_error)


def _stored_paths(settings: QSettings) -> list[str]:
    raw = settings.value(EXTRA_KEY, [])
    values = [raw] if isinstance(raw, str) else list(raw or [])
    return [str(v) for v in values if v]


class InterpretersPage(Page):
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
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in ((_KIND, 120), (_VERSION, 80), (_ABI, 110), (_VENV, 50)):
            self.table.setColumnWidth(column, width)
        self.table.setColumnWidth(_USABLE, 380)
        self.table.itemChanged.connect(self._item_changed)
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
    # Interpreter table

    def _needs(self) -> ProjectNeeds:
        return ProjectNeeds.of(self.state.overview)

    def _fill_table(self) -> None:
        scan = self._scan_result
        if scan is None:
            return
        needs = self._needs()
        items = scan.listing.interpreters
        self._verdicts = {f.path: assess_interpreter(f.info, needs, error=f.error) for f in items}
        chosen = [p for p in self.state.interpreters if self._verdicts.get(p, _NO).usable]
        self._filling = True
        self.table.setRowCount(len(items))
        for row, found in enumerate(items):
            self._fill_row(row, found, self._verdicts[found.path], found.path in chosen)
        self._filling = False
        self.status_label.setText(self._counts_text(scan))
        self._update_intro()
        if tuple(chosen) != self.state.interpreters:
            self.state.set_interpreters(tuple(chosen))

    def _counts_text(self, scan: _Scan) -> str:
        """The header's counts, from the same verdicts as the table's rows."""
        rows = len(scan.listing.interpreters)
        statuses = [v.status for v in self._verdicts.values()]
        parts = [f"{rows} interpreter{'s' if rows != 1 else ''}"]
        if self.state.overview is not None and "not-needed" not in statuses:
            parts.append(f"{statuses.count('usable')} usable")
            if statuses.count("unusable"):
                parts.append(f"{statuses.count('unusable')} unusable")
        probed = scan.listing.probed
        parts.append(f"{probed} probed now" if probed else "all from the cache")
        return ", ".join(parts)

    def _fill_row(self, row: int, found: FoundInterpreter, verdict: Usability, on: bool) -> None:
        info = found.info
        kind = QTableWidgetItem(found.kind or "unknown")
        kind.setData(_PATH_ROLE, str(found.path))
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if verdict.usable:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        kind.setFlags(flags)
        checked = Qt.CheckState.Checked if on and verdict.usable else Qt.CheckState.Unchecked
        kind.setCheckState(checked)
        cells = {
            _KIND: kind,
            _VERSION: QTableWidgetItem(found.version or (info.version_display if info else "?")),
            _ABI: QTableWidgetItem(info.abi_tag if info else "—"),
            _VENV: QTableWidgetItem("venv" if found.is_venv else ""),
            _USABLE: self._verdict_item(verdict),
            _PATH: QTableWidgetItem(str(found.path)),
        }
        tooltip = self._row_tooltip(found)
        for column, item in cells.items():
            if column != _KIND:
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            if column != _USABLE:
                item.setToolTip(tooltip)
            self.table.setItem(row, column, item)

    def _verdict_item(self, verdict: Usability) -> QTableWidgetItem:
        if verdict.status == "usable":
            text, colour = f"✓ usable{': ' + verdict.reason if verdict.reason else ''}", _OK
        elif verdict.status == "unusable":
            text, colour = f"✗ {verdict.reason}", _BAD
        else:
            text = f"– {verdict.reason}"
            colour = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        item = QTableWidgetItem(text)
        item.setForeground(colour)
        item.setToolTip(text)
        return item

    @staticmethod
    def _row_tooltip(found: FoundInterpreter) -> str:
        lines = [str(found.path), f"found in: {', '.join(found.sources)}"]
        if found.info is not None:
            info = found.info
            lines.append(f"pip: {'yes' if info.has_pip else 'no'}, "
                         f"cffi: {'yes' if info.has_cffi else 'no'}")  # fmt: skip
            lines.append(f"extension suffix: {info.ext_suffix}")
        if found.error:
            lines.append(found.error)
        if found.hint:
            lines.append(f"hint: {found.hint}")
        if found.aliases:
            lines.append("also reachable as: " + ", ".join(str(a) for a in found.aliases[:6]))
        return "\n".join(lines)

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != _KIND:
            return
        self.state.set_interpreters(tuple(self.checked_paths()))
        self._update_preview()

    def checked_paths(self) -> list[Path]:
        """The ticked interpreters, in table order."""
        paths: list[Path] = []
        for row in range(self.table.rowCount()):
            item = self.table.item(row, _KIND)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                paths.append(Path(item.data(_PATH_ROLE)))
        return paths

    def set_checked(self, path: Path, checked: bool) -> None:
        """Tick or untick the row of ``path`` (as a click would)."""
        for row in range(self.table.rowCount()):
            item = self.table.item(row, _KIND)
            if item is not None and Path(item.data(_PATH_ROLE)) == path:
                state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
                item.setCheckState(state)

    def _update_intro(self) -> None:
        overview = self.state.overview
        if overview is None:
            text = ("Tick the interpreters to build for. Open a project to see which of them "
                    "can build it.")  # fmt: skip
        elif not overview.bindings.needs_interpreter:
            text = (f"{overview.name} has {overview.bindings.label} bindings: its wheels work "
                    "with every Python, so no interpreter is needed.")  # fmt: skip
        else:
            usable = sum(1 for v in self._verdicts.values() if v.usable)
            text = (f"{usable} of these can build {overview.name} ({overview.bindings.label}). "
                    "Tick the ones the next build is for; with none ticked the build uses the "
                    "default interpreter.")  # fmt: skip
        self.intro.setText(text)

    def _fill_skipped(self) -> None:
        skipped = self._scan_result.listing.skipped if self._scan_result else ()
        if not skipped:
            self.skipped_label.hide()
            return
        pyenv = all(s.reason.startswith("pyenv: ") for s in skipped)
        what = "pyenv shims of inactive versions" if pyenv else "names on PATH"
        # folded: one quiet line, the names behind a link
        self.skipped_label.setText(
            f"{len(skipped)} {what} left out. <a href='#skipped'>Details…</a>"
        )
        self.skipped_details = "\n".join(f"{s.path}: {s.reason}" for s in skipped)
        self.skipped_label.setToolTip(self.skipped_details)
        self.skipped_label.show()

    def show_skipped(self) -> QMessageBox:
        """The skipped names and why (the Details… link)."""
        box = QMessageBox(QMessageBox.Icon.Information, "Interpreters left out",
                          "These names were found but are not interpreters to build for:",
                          QMessageBox.StandardButton.Close, self)  # fmt: skip
        box.setDetailedText(self.skipped_details)
        box.open()
        return box

    # ------------------------------------------------------------------------------------
    # Adding an interpreter

    def _choose_interpreter(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Add a Python interpreter", str(Path.home()))
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
    # Targets and zig

    def _fill_targets(self) -> None:
        scan = self._scan_result
        if scan is None:
            return
        current = self.state.target
        self.target_list.blockSignals(True)
        self.target_list.clear()
        targets = scan.targets
        if targets is None:
            self.target_list.addItem(scan.targets_error or "rustc did not answer")
            self.target_list.blockSignals(False)
            return
        dimmed = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        for target in targets.targets:
            notes = [n for n, on in (("host", target.host), ("installed", target.installed)) if on]
            label = target.triple + (f"  ({', '.join(notes)})" if notes else "")
            item = QListWidgetItem(label)
            item.setData(_PATH_ROLE, target.triple)
            if not target.installed:
                item.setForeground(dimmed)
                item.setToolTip(f"not installed: rustup target add {target.triple}")
            self.target_list.addItem(item)
            if target.triple == (current or targets.host):
                self.target_list.setCurrentItem(item)
        self.target_list.blockSignals(False)
        self._filter_targets(self.target_filter.text())
        self._fill_zig(targets)

    def _fill_zig(self, targets: TargetListing) -> None:
        zig = targets.zig
        self.zig_check.blockSignals(True)
        if zig is None:
            self.zig_check.setChecked(False)
            self.zig_check.setEnabled(False)
            self.zig_check.setToolTip(f"Not available: {targets.zig_problem}")
            self.zig_label.setText(f"zig is not available: {targets.zig_problem}")
        else:
            self.zig_check.setEnabled(True)
            self.zig_check.setChecked(self.state.zig)
            self.zig_check.setToolTip(f"zig {zig.version} from the {zig.source}")
            self.zig_label.setText(
                f"zig {zig.version} ({zig.source}) links against an old glibc so the wheel "
                "is manylinux2014 unless you ask for another tag."
            )
        self.zig_check.blockSignals(False)

    def _filter_targets(self, text: str) -> None:
        needle = text.strip().lower()
        for row in range(self.target_list.count()):
            item = self.target_list.item(row)
            item.setHidden(bool(needle) and needle not in item.text().lower())

    def _selected_triple(self) -> str | None:
        item = self.target_list.currentItem()
        triple = item.data(_PATH_ROLE) if item is not None else None
        return str(triple) if triple else None

    def _host(self) -> str | None:
        targets = self._scan_result.targets if self._scan_result else None
        return targets.host if targets else None

    def _push_target(self) -> None:
        triple = self._selected_triple()
        chosen = None if triple is None or triple == self._host() else triple
        self.state.set_target(chosen, zig=self.zig_check.isChecked())
        self._update_preview()

    def _target_changed(self, *_: object) -> None:
        self._push_target()

    def _zig_toggled(self, _checked: bool) -> None:
        self._push_target()

    def select_target(self, triple: str) -> None:
        """Select ``triple`` in the target list (as a click would)."""
        for row in range(self.target_list.count()):
            item = self.target_list.item(row)
            if item.data(_PATH_ROLE) == triple:
                self.target_list.setCurrentItem(item)

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
            default = scan.default.display if scan.default else scan.default_error
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

    def prepare_screenshot(self) -> None:
        """Wait for the background search so the render shows real rows."""
        if self._task is None:
            self.refresh()
        while self._task is not None and self._task.running:
            self._task.wait(120_000)  # delivers the result; a queued refresh starts a new task


_NO = Usability("unusable", "")
