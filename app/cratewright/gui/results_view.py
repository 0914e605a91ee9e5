"""What a build produced: the wheels (and sdist) with size and tag, and what is inside each."""

from __future__ import annotations

import zipfile
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cratewright.gui.formatting import human_size
from cratewright.gui.locations import open_location
from cratewright.gui.stubs_view import StubsView

__all__ = ["ResultsView"]

_SHOW_TAG_FROM = 620  # px of the file list from which the Tag column is shown


def _tag_of(path: Path) -> str:
    if path.name.endswith(".tar.gz"):
        return "source distribution"
    parts = path.name[: -len(".whl")].split("-")
    return "-".join(parts[-3:]) if len(parts) >= 5 else ""


class ResultsView(QWidget):
    """Artifacts of the last build. Signal ``audit_requested()`` asks for the Audit page."""

    audit_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        layout.addWidget(splitter, 1)
        self.artifacts = QTreeWidget(splitter)
        self.artifacts.setHeaderLabels(["File", "Tag", "Size"])
        self.artifacts.setRootIsDecorated(False)
        header = self.artifacts.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.artifacts.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.artifacts.currentItemChanged.connect(self._show_contents)
        self.artifacts.installEventFilter(self)
        self.details = QTabWidget(splitter)
        self.contents = QTreeWidget(self.details)
        self.contents.setHeaderLabels(["Contents", "Size"])
        self.details.addTab(self.contents, "Contents")
        self.stubs = StubsView(self.details)
        self.details.addTab(self.stubs, "Type stubs")
        contents_header = self.contents.header()
        contents_header.setStretchLastSection(False)
        contents_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        contents_header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        splitter.setSizes([640, 360])  # kept in proportion: the file names get the room
        row = QHBoxLayout()
        self.summary = QLabel("No build yet.", self)
        self.folder_button = QPushButton("Show in folder", self)
        self.folder_button.clicked.connect(self._show_folder)
        self.audit_button = QPushButton("Audit…", self)
        self.audit_button.clicked.connect(self.audit_requested)
        row.addWidget(self.summary, 1)
        row.addWidget(self.audit_button)
        row.addWidget(self.folder_button)
        layout.addLayout(row)
        self._paths: list[Path] = []
        self._update_buttons()

    def set_artifacts(self, paths: list[Path]) -> None:
        """Show these files (the first wheel is selected)."""
        self._paths = list(paths)
        self.artifacts.clear()
        for path in self._paths:
            size = path.stat().st_size if path.exists() else 0
            item = QTreeWidgetItem(self.artifacts, [path.name, _tag_of(path), human_size(size)])
            item.setData(0, Qt.ItemDataRole.UserRole, str(path))
            item.setToolTip(0, f"{path}\n{_tag_of(path)}")
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if self._paths:
            self.artifacts.setCurrentItem(self.artifacts.topLevelItem(0))
            folder = self._paths[0].parent
            self.summary.setText(f"{len(self._paths)} file(s) in {folder}")
        else:
            self.contents.clear()
            self.summary.setText("No build yet.")
        self._update_buttons()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """On a small screen the file name keeps its room: the Tag column (the same words as
        the file name's end, also in its tooltip) is left out."""
        if watched is self.artifacts and event.type() == QEvent.Type.Resize:
            self.artifacts.setColumnHidden(1, self.artifacts.width() < _SHOW_TAG_FROM)
        return super().eventFilter(watched, event)

    @property
    def paths(self) -> list[Path]:
        """The artifacts shown."""
        return list(self._paths)

    def _update_buttons(self) -> None:
        self.folder_button.setEnabled(bool(self._paths))
        self.audit_button.setEnabled(any(p.suffix == ".whl" for p in self._paths))

    def _show_contents(self) -> None:
        self.contents.clear()
        item = self.artifacts.currentItem()
        path = Path(item.data(0, Qt.ItemDataRole.UserRole)) if item is not None else None
        self._show_stubs(path if path is not None and path.suffix == ".whl" else None)
        if path is None:
            return
        if path.suffix != ".whl":
            size = human_size(path.stat().st_size)
            QTreeWidgetItem(self.contents, ["(source distribution)", size])
            return
        try:
            with zipfile.ZipFile(path) as archive:
                entries = [(info.filename, info.file_size) for info in archive.infolist()]
        except (OSError, zipfile.BadZipFile) as exc:
            QTreeWidgetItem(self.contents, [f"cannot read the wheel: {exc}", ""])
            return
        folders: dict[str, QTreeWidgetItem] = {}
        sizes: dict[str, int] = {}
        for name, size in entries:
            parent: QTreeWidget | QTreeWidgetItem = self.contents
            parts = name.split("/")
            prefix = ""
            for part in parts[:-1]:
                prefix = f"{prefix}{part}/"
                sizes[prefix] = sizes.get(prefix, 0) + size
                if prefix not in folders:
                    folders[prefix] = QTreeWidgetItem(parent, [part + "/", ""])
                parent = folders[prefix]
            leaf = QTreeWidgetItem(parent, [parts[-1], human_size(size)])
            leaf.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        for prefix, folder in folders.items():
            folder.setText(1, human_size(sizes[prefix]))
            folder.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.contents.expandAll()

    def _show_stubs(self, wheel: Path | None) -> None:
        self.stubs.show_wheel(wheel)
        count = sum(name.endswith(".pyi") for name in self.stubs.stub_paths)
        index = self.details.indexOf(self.stubs)
        self.details.setTabText(index, f"Type stubs ({count})" if count else "Type stubs")

    def _show_folder(self) -> None:
        if self._paths:
            self.location_dialog = open_location(self, self._paths[0].parent, "Show in folder")
