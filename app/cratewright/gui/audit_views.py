"""The Audit page's views of one AuditReport: dependency tree, policy ladder, symbols, contents.

Each view only displays what :mod:`cratewright.core.audit.report` computed; none of them decides
anything about policies itself. Colours are small semantic accents (ok / bundled / problem) on
top of the palette, so light and dark themes both stay readable.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QPainter, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cratewright.core.audit import AuditReport, Rung, WheelEntry
from cratewright.gui.formatting import human_size

__all__ = [
    "KIND_COLOURS",
    "ContentsView",
    "DependencyTree",
    "LadderView",
    "SizeChart",
    "SymbolTable",
]

#: Semantic accents per library kind (readable on light and dark backgrounds).
KIND_COLOURS: dict[str, str] = {
    "system": "#3fa34d",
    "bundled": "#3b82c4",
    "external": "#d9822b",
    "missing": "#d64545",
    "libpython": "#d64545",
}
_KIND_TEXT = {
    "system": "system (allowed)",
    "bundled": "bundled in wheel",
    "external": "external: must be bundled",
    "missing": "not found",
    "libpython": "libpython",
}
_OK, _WARN, _BAD = "#3fa34d", "#d9822b", "#d64545"


def _legend() -> QLabel:
    parts = [
        f'<span style="color:{KIND_COLOURS[k]}">■</span> {_KIND_TEXT[k]}'
        for k in ("system", "bundled", "external", "missing")
    ]
    label = QLabel("&nbsp;&nbsp;&nbsp;".join(parts))
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


class DependencyTree(QWidget):
    """Native files and, under each, the libraries it loads, coloured by kind."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(["Library", "Kind", "Resolved path"])
        self.tree.setUniformRowHeights(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.tree, 1)
        layout.addWidget(_legend())

    def show_report(self, report: AuditReport | None) -> None:
        """Fill the tree (at most 6 levels deep; each library expands once per branch)."""
        self.tree.clear()
        if report is None:
            return
        for elf in report.elfs:
            role = "extension" if elf.is_extension else ("executable" if elf.info.interpreter
                                                         else "library")  # fmt: skip
            top = QTreeWidgetItem([elf.path, f"native file ({role})", ""])
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            self.tree.addTopLevelItem(top)
            self._children(top, report, elf.info.needed, {elf.path.rsplit("/", 1)[-1]}, 0)
            top.setExpanded(elf.top_level)
        self.tree.resizeColumnToContents(1)

    def _children(
        self,
        parent: QTreeWidgetItem,
        report: AuditReport,
        needed: Iterable[str],
        seen: set[str],
        depth: int,
    ) -> None:
        for soname in needed:
            node = report.libraries.get(soname)
            kind = node.kind if node else "missing"
            item = QTreeWidgetItem([soname, _KIND_TEXT[kind], (node.path if node else None) or "—"])
            colour = QBrush(QColor(KIND_COLOURS[kind]))
            item.setForeground(0, colour)
            item.setForeground(1, colour)
            item.setData(0, Qt.ItemDataRole.UserRole, kind)
            item.setToolTip(2, item.text(2))
            parent.addChild(item)
            if node is not None and soname not in seen and depth < 6:
                self._children(item, report, node.needed, seen | {soname}, depth + 1)
            item.setExpanded(kind in ("external", "missing"))


class LadderView(QTreeWidget):
    """Every policy rung: passes, repairable or fails, with what blocks it as children."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderLabels(["Policy", "Result"])
        self.setUniformRowHeights(True)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.setWordWrap(False)

    def show_report(self, report: AuditReport | None) -> None:
        """One row per rung, manylinux_2_5 down to 2_41, then musllinux."""
        self.clear()
        if report is None:
            return
        for rung in report.ladder:
            item = QTreeWidgetItem([rung.policy.display, self._result(rung, report)])
            colour = _OK if rung.passes else (_WARN if rung.repairable else _BAD)
            item.setForeground(1, QBrush(QColor(colour)))
            item.setData(0, Qt.ItemDataRole.UserRole, rung.name)
            item.setToolTip(1, "\n".join(rung.reasons) or item.text(1))
            if rung.name == report.policy:
                font = item.font(0)
                font.setBold(True)
                item.setFont(0, font)
                item.setFont(1, font)
            self.addTopLevelItem(item)
            self._reasons(item, rung)
        self.resizeColumnToContents(0)

    @staticmethod
    def _result(rung: Rung, report: AuditReport) -> str:
        verdict = "  ← verdict" if rung.name == report.policy else ""
        if rung.passes:
            return "✔ passes" + verdict + (f" ({rung.note})" if rung.note else "")
        if rung.repairable:
            return f"🩹 passes after repair (bundle {', '.join(sorted(rung.external))})"
        return f"✘ fails: {rung.reasons[0]}" if rung.reasons else "✘ fails"

    @staticmethod
    def _reasons(item: QTreeWidgetItem, rung: Rung) -> None:
        for offence in rung.too_recent:
            child = QTreeWidgetItem(
                [f"too recent in {offence.library}", ", ".join(offence.versions)]
            )
            item.addChild(child)
            for symbol in offence.symbols:
                child.addChild(QTreeWidgetItem(["", symbol]))
            child.addChild(QTreeWidgetItem(["", "in " + ", ".join(offence.files)]))
        for file, libs in rung.blacklisted.items():
            for lib, symbols in libs.items():
                item.addChild(
                    QTreeWidgetItem(
                        [f"forbidden symbols of {lib}", f"{file}: {', '.join(symbols)}"]
                    )
                )
        for soname, path in sorted(rung.external.items()):
            item.addChild(
                QTreeWidgetItem(["external library", f"{soname} ({path or 'not found'})"])
            )
        for offence in rung.too_recent_after_repair:
            child = QTreeWidgetItem(
                [f"bundling {', '.join(offence.files)} brings", ", ".join(offence.versions)]
            )
            item.addChild(child)
        for reason in rung.other:
            item.addChild(QTreeWidgetItem(["", reason]))
        if rung.isa:
            item.addChild(QTreeWidgetItem(["instruction set", rung.isa]))
        for index in range(item.childCount()):
            child = item.child(index)
            child.setToolTip(1, child.text(1))


class _SymbolFilter(QSortFilterProxyModel):
    """Rows whose library and version match the combo boxes and whose text matches the box."""

    def __init__(self) -> None:
        super().__init__()
        self.library = ""
        self.version = ""
        self.text = ""

    def set_filters(self, library: str, version: str, text: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.9 replaces invalidateFilter()
            self.beginFilterChange()
            self.library, self.version, self.text = library, version, text.lower()
            self.endFilterChange()
        else:
            self.library, self.version, self.text = library, version, text.lower()
            self.invalidateFilter()

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        model = self.sourceModel()

        def cell(column: int) -> str:
            return str(model.index(source_row, column, source_parent).data() or "")

        if self.library and cell(2) != self.library:
            return False
        if self.version and cell(1) != self.version:
            return False
        return not self.text or any(self.text in cell(c).lower() for c in range(4))


class SymbolTable(QWidget):
    """Every versioned symbol the native files require, filterable by library and version."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        row = QHBoxLayout()
        self.library = QComboBox(self)
        self.version = QComboBox(self)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Filter symbols…")
        self.search.setClearButtonEnabled(True)
        row.addWidget(QLabel("Library:"))
        row.addWidget(self.library)
        row.addWidget(QLabel("Version:"))
        row.addWidget(self.version)
        row.addWidget(self.search, 1)
        layout.addLayout(row)
        self.model = QStandardItemModel(0, 5, self)
        self.model.setHorizontalHeaderLabels(["Symbol", "Version", "Library", "File", "Weak"])
        self.proxy = _SymbolFilter()
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(_SORT_ROLE)
        self.view = QTableView(self)
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.view.horizontalHeader().setStretchLastSection(False)
        self.view.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.view, 1)
        self.count = QLabel("", self)
        layout.addWidget(self.count)
        self.library.currentIndexChanged.connect(self._refilter)
        self.version.currentIndexChanged.connect(self._refilter)
        self.search.textChanged.connect(self._refilter)

    def show_report(self, report: AuditReport | None) -> None:
        """Load the symbol rows and the choices of both filters."""
        self.model.removeRows(0, self.model.rowCount())
        rows = report.symbols if report else ()
        for row in rows:
            texts = (row.symbol, row.version, row.library, row.file, "weak" if row.weak else "")
            items = [QStandardItem(text) for text in texts]
            for item in items:
                item.setData(item.text(), _SORT_ROLE)
            # numeric order for versions: GLIBC_2.4 < GLIBC_2.34
            items[1].setData(_version_key_text(row.version), _SORT_ROLE)
            self.model.appendRow(items)
        for combo, values in (
            (self.library, sorted({r.library for r in rows})),
            (self.version, sorted({r.version for r in rows}, key=_version_sort)),
        ):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("All", "")
            for value in values:
                combo.addItem(value, value)
            combo.blockSignals(False)
        self.view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
        self.view.resizeColumnsToContents()
        self._refilter()

    def set_filters(self, library: str = "", version: str = "", text: str = "") -> None:
        """Select filter values (tests and the ladder's "show symbols" use this)."""
        self.library.setCurrentIndex(max(0, self.library.findData(library)))
        self.version.setCurrentIndex(max(0, self.version.findData(version)))
        self.search.setText(text)

    def _refilter(self) -> None:
        self.proxy.set_filters(
            self.library.currentData() or "", self.version.currentData() or "", self.search.text()
        )
        self.count.setText(f"{self.proxy.rowCount()} of {self.model.rowCount()} symbols")

    def visible_rows(self) -> list[tuple[str, str, str]]:
        """(symbol, version, library) of the rows the filters let through."""
        return [
            tuple(str(self.proxy.index(r, c).data()) for c in (0, 1, 2))  # type: ignore[misc]
            for r in range(self.proxy.rowCount())
        ]


_SORT_ROLE = Qt.ItemDataRole.UserRole + 1


def _version_key_text(version: str) -> str:
    """A string that sorts like the version: ``GLIBC_2.4`` -> ``GLIBC_00002.00004``."""
    namespace, _, number = version.partition("_")
    parts = [p.zfill(5) if p.isdigit() else p for p in number.split(".")]
    return f"{namespace}_{'.'.join(parts)}"


def _version_sort(version: str) -> tuple[str, tuple[int, ...]]:
    namespace, _, number = version.partition("_")
    return namespace, tuple(int(p) if p.isdigit() else -1 for p in number.split("."))


class SizeChart(QWidget):
    """Horizontal bars of the largest entries, drawn with palette colours."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items: list[tuple[str, int]] = []
        self.setMinimumHeight(120)

    def set_items(self, items: list[tuple[str, int]]) -> None:
        """``(label, size)`` pairs, largest first; the first 8 are drawn."""
        self.items = items[:8]
        self.setMinimumHeight(24 + 22 * len(self.items))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(320, 24 + 22 * max(len(self.items), 3))

    def paintEvent(self, event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        total = max((size for _, size in self.items), default=1) or 1
        label_width = int(self.width() * 0.45)
        bar_width = self.width() - label_width - 90
        y = 8
        metrics = painter.fontMetrics()
        for label, size in self.items:
            painter.setPen(palette.color(QPalette.ColorRole.WindowText))
            text = metrics.elidedText(label, Qt.TextElideMode.ElideMiddle, label_width - 8)
            painter.drawText(0, y, label_width - 8, 18, Qt.AlignmentFlag.AlignVCenter, text)
            width = max(2.0, bar_width * size / total)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
            painter.drawRoundedRect(QRectF(label_width, y + 3, width, 12), 3, 3)
            painter.setPen(palette.color(QPalette.ColorRole.WindowText))
            painter.drawText(
                int(label_width + width + 6), y, 84, 18, Qt.AlignmentFlag.AlignVCenter,
                human_size(size),
            )  # fmt: skip
            y += 22
        painter.end()


class ContentsView(QWidget):
    """The wheel's files as a tree with sizes, and a chart of what takes the space."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.tree = QTreeWidget(splitter)
        self.tree.setHeaderLabels(["Path", "Size", "Compressed"])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.chart = SizeChart(splitter)
        splitter.addWidget(self.tree)
        splitter.addWidget(self.chart)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter)

    def show_entries(self, entries: Iterable[WheelEntry]) -> None:
        """Build folders from the archive paths; folder sizes are the sum of their files."""
        self.tree.clear()
        folders: dict[str, QTreeWidgetItem] = {}
        sizes: dict[str, list[int]] = {}
        files = list(entries)
        for entry in files:
            parts = entry.name.split("/")
            parent: QTreeWidgetItem | None = None
            for depth in range(1, len(parts)):
                key = "/".join(parts[:depth])
                if key not in folders:
                    item = QTreeWidgetItem([parts[depth - 1] + "/", "", ""])
                    if parent is None:
                        self.tree.addTopLevelItem(item)
                    else:
                        parent.addChild(item)
                    folders[key] = item
                    sizes[key] = [0, 0]
                sizes[key][0] += entry.size
                sizes[key][1] += entry.compressed_size
                parent = folders[key]
            leaf = QTreeWidgetItem(
                [parts[-1], human_size(entry.size), human_size(entry.compressed_size)]
            )
            leaf.setData(1, Qt.ItemDataRole.UserRole, entry.size)
            leaf.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
            leaf.setTextAlignment(2, Qt.AlignmentFlag.AlignRight)
            if parent is None:
                self.tree.addTopLevelItem(leaf)
            else:
                parent.addChild(leaf)
        for key, item in folders.items():
            item.setText(1, human_size(sizes[key][0]))
            item.setText(2, human_size(sizes[key][1]))
            item.setData(1, Qt.ItemDataRole.UserRole, sizes[key][0])
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight)
            item.setExpanded(key.count("/") == 0)
        self.tree.resizeColumnToContents(1)
        self.tree.resizeColumnToContents(2)
        largest = sorted(((e.name, e.size) for e in files), key=lambda i: -i[1])
        self.chart.set_items(largest)
