"""The Interpreters & Targets page's interpreter table: one row per interpreter, ticked for builds.

A part of :class:`~cratewright.gui.pages.interpreters_page.InterpretersPage` (mixed into it):
each row shows a probed interpreter and the core's verdict (``assess_interpreter``) for the
open project; the ticks are the build's choice.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QHeaderView,
    QMessageBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
)

from cratewright.core.interpreters import (
    FoundInterpreter,
    ProjectNeeds,
    Usability,
    assess_interpreter,
)
from cratewright.gui.formatting import display_path
from cratewright.gui.interpreter_scan import _Scan

_COLUMNS = ("Kind", "Version", "ABI tag", "Venv", "For this project", "Path")
_KIND, _VERSION, _ABI, _VENV, _USABLE, _PATH = range(len(_COLUMNS))
_PATH_ROLE = Qt.ItemDataRole.UserRole
# Small semantic colours for the usable/unusable badges; readable on light and dark palettes.
_OK = QColor("#3d9a4a")
_BAD = QColor("#d0473e")
_NO = Usability("unusable", "")


class PathDelegate(QStyledItemDelegate):
    """Cuts a long path in its middle: the folder it starts in and the executable's name
    both stay readable (``~/.pyenv/vers…/bin/python3.7``)."""

    def initStyleOption(self, option: QStyleOptionViewItem, index) -> None:  # type: ignore[no-untyped-def]
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideMiddle


class ColumnFitter(QObject):
    """Keeps the table as wide as its viewport, so it never scrolls sideways.

    Kind, Version, ABI tag and Venv are as wide as their contents. The verdict and the path
    share the rest: when both do not fit whole, the path is shown whole if that leaves the
    verdict 60 % of the room, else the verdict gets its 60 % (never leaving the path less
    than a readable minimum). A verdict cut at its end has it whole in its tooltip; the Path
    column stretches over what is left and cuts a long path in its middle. Runs again when
    the viewport changes size (window resized, vertical scroll bar shown) and after a fill.
    """

    def __init__(self, table: QTableWidget) -> None:
        super().__init__(table)
        self._table = table
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        for column in (_KIND, _VERSION, _ABI, _VENV):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(_USABLE, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(_PATH, QHeaderView.ResizeMode.Stretch)
        # room for "~/.pyenv/…/bin/python3.13": where it lives and the executable's name
        self.path_minimum = table.fontMetrics().horizontalAdvance("~/.pyenv/ver…/bin/python3.13")
        table.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def fit(self) -> None:
        """Size the verdict column for the current viewport width and rows."""
        table = self._table
        header = table.horizontalHeader()

        def needs(column: int) -> int:
            return max(table.sizeHintForColumn(column), header.sectionSizeHint(column))

        others = sum(needs(c) for c in (_KIND, _VERSION, _ABI, _VENV))
        room = table.viewport().width() - others
        share = max(room - needs(_PATH), room * 6 // 10)
        width = min(needs(_USABLE), share, room - self.path_minimum)
        table.setColumnWidth(_USABLE, max(header.sectionSizeHint(_USABLE), width))


class InterpreterTable:
    """The interpreter table of the Interpreters & Targets page."""

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
        self.column_fitter.fit()
        self.status_label.setText(self._counts_text(scan))
        probed = scan.listing.probed
        self.status_label.setToolTip(
            f"{probed} probed now, the others from the cache" if probed else "all from the cache"
        )
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
            _PATH: QTableWidgetItem(display_path(found.path)),  # the tooltip has it in full
        }
        tooltip = self._row_tooltip(found)
        for column, item in cells.items():
            if column != _KIND:
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            if column == _PATH:
                item.setToolTip(str(found.path))  # the cell may show it cut or as ~/…
            elif column != _USABLE:
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
