"""The Overview page: what the open project is, in one glance.

Everything shown comes from :class:`cratewright.core.metadata.overview.ProjectOverview`, the same
decisions a build makes (binding detection with its reason, layout, abi3), so what the user
reads here is what the build will do.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cratewright.core.metadata import ProjectOverview
from cratewright.gui.page import Page
from cratewright.gui.scrolling import scrolled_column
from cratewright.gui.state import AppState

__all__ = ["OverviewPage"]


def _relative(path: Path | None, root: Path) -> str:
    if path is None:
        return "—"
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _abi3_text(overview: ProjectOverview) -> str:
    bindings = overview.bindings
    if not bindings.is_abi3:
        return "no: one wheel per Python version"
    if bindings.abi3_minor:
        return f"yes: one wheel for CPython ≥ 3.{bindings.abi3_minor}"
    return "yes: one wheel for CPython ≥ the interpreter's version"


def _maturin_settings_text(overview: ProjectOverview) -> str:
    """The [tool.maturin] keys the project sets, one per line (maturin's own spelling)."""
    pyproject = overview.project.pyproject or {}
    table = pyproject.get("tool", {}).get("maturin", {})
    if not table:
        return "none: maturin's defaults apply"
    return "\n".join(f"{key} = {value!r}" for key, value in table.items())


class OverviewPage(Page):
    """Name, version, bindings and why, layout, abi3, Rust targets and files of the project."""

    page_id = "overview"
    title = "Overview"

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(state, parent)
        layout = scrolled_column(self)  # scrolls, never squashes, on a short window
        body = layout.parentWidget()
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(16)

        self.heading = QLabel(body)
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.heading.setFont(font)
        self.summary = QLabel(body)
        self.summary.setWordWrap(True)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)

        columns = QHBoxLayout()
        columns.setSpacing(16)
        layout.addLayout(columns)

        build_box = QGroupBox("How it builds", body)
        build_form = QFormLayout(build_box)
        self.bindings = self._value(build_box)
        self.bindings_reason = self._value(build_box)
        self.layout_kind = self._value(build_box)
        self.module = self._value(build_box)
        self.abi3 = self._value(build_box)
        self.requires_python = self._value(build_box)
        build_form.addRow("Bindings:", self.bindings)
        build_form.addRow("Detected from:", self.bindings_reason)
        build_form.addRow("Layout:", self.layout_kind)
        build_form.addRow("Module:", self.module)
        build_form.addRow("Stable ABI (abi3):", self.abi3)
        build_form.addRow("Requires-Python:", self.requires_python)
        columns.addWidget(build_box, 3)

        files_box = QGroupBox("Files", body)
        files_form = QFormLayout(files_box)
        self.root = self._value(files_box)
        self.cargo_toml = self._value(files_box)
        self.pyproject = self._value(files_box)
        self.python_source = self._value(files_box)
        self.workspace = self._value(files_box)
        files_form.addRow("Project folder:", self.root)
        files_form.addRow("Cargo manifest:", self.cargo_toml)
        files_form.addRow("pyproject.toml:", self.pyproject)
        files_form.addRow("Python source:", self.python_source)
        files_form.addRow("Cargo workspace:", self.workspace)
        columns.addWidget(files_box, 2)

        targets_box = QGroupBox("Rust targets in the crate", body)
        targets_layout = QVBoxLayout(targets_box)
        self.targets = QTreeWidget(targets_box)
        self.targets.setHeaderLabels(["Target", "Kind", "Crate types", "Source"])
        self.targets.setRootIsDecorated(False)
        targets_layout.addWidget(self.targets)
        layout.addWidget(targets_box)

        second = QHBoxLayout()
        second.setSpacing(16)
        layout.addLayout(second)
        package_box = QGroupBox("Python package", body)
        package_form = QFormLayout(package_box)
        self.dependencies = self._value(package_box)
        self.scripts = self._value(package_box)
        self.rust_dependencies = self._value(package_box)
        package_form.addRow("Dependencies:", self.dependencies)
        package_form.addRow("Scripts:", self.scripts)
        package_form.addRow("Rust crates linked:", self.rust_dependencies)
        second.addWidget(package_box, 3)
        maturin_box = QGroupBox("[tool.maturin] settings", body)
        maturin_layout = QVBoxLayout(maturin_box)
        self.maturin_settings = self._value(maturin_box)
        self.maturin_settings.setAlignment(Qt.AlignmentFlag.AlignTop)
        maturin_layout.addWidget(self.maturin_settings)
        second.addWidget(maturin_box, 2)

        actions = QHBoxLayout()
        self.build_button = QPushButton("Build wheels…", body)
        self.build_button.clicked.connect(lambda: state.navigate.emit("build"))
        self.metadata_button = QPushButton("Review metadata…", body)
        self.metadata_button.clicked.connect(lambda: state.navigate.emit("metadata"))
        actions.addWidget(self.build_button)
        actions.addWidget(self.metadata_button)
        actions.addStretch(1)
        layout.addLayout(actions)
        layout.addStretch(1)

    @staticmethod
    def _value(parent: QWidget) -> QLabel:
        label = QLabel(parent)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def project_changed(self, overview: ProjectOverview | None) -> None:
        """Fill every field from the overview (or clear them)."""
        if overview is None:
            for label in self.findChildren(QLabel):
                label.clear()
            self.targets.clear()
            return
        root = overview.root
        meta = overview.metadata
        self.heading.setText(f"{overview.name} {overview.version}")
        self.summary.setText(meta.summary or "No summary (set [project] description).")
        self.bindings.setText(overview.bindings.label)
        self.bindings_reason.setText(overview.bindings.reason)
        self.layout_kind.setText(overview.layout.kind)
        self.module.setText(
            f"{overview.layout.module_name}  (native module at "
            f"{overview.layout.module_dir_in_wheel}/ in the wheel)"
        )
        self.abi3.setText(_abi3_text(overview))
        self.requires_python.setText(str(meta.requires_python or "") or "any")
        self.root.setText(str(root))
        self.cargo_toml.setText(_relative(overview.project.cargo_toml, root))
        self.pyproject.setText(_relative(overview.project.pyproject_toml, root))
        self.python_source.setText(
            _relative(overview.layout.python_dir, root) if overview.layout.is_mixed else "—"
        )
        workspace = overview.cargo_metadata.workspace_root
        self.workspace.setText(
            "this crate" if workspace == overview.project.crate_dir else _relative(workspace, root)
        )
        self.targets.clear()
        for target in overview.rust_targets:
            QTreeWidgetItem(
                self.targets,
                [
                    target.name,
                    ", ".join(target.kinds),
                    ", ".join(target.crate_types),
                    _relative(target.src_path, overview.project.crate_dir),
                ],
            )
        for column in range(3):
            self.targets.resizeColumnToContents(column)
        rows = max(self.targets.topLevelItemCount(), 1)
        row_height = max(self.targets.sizeHintForRow(0), self.fontMetrics().height() + 4)
        frame = 2 * self.targets.frameWidth()
        height = self.targets.header().sizeHint().height() + rows * row_height + frame + 4
        self.targets.setFixedHeight(min(height, 200))
        self.dependencies.setText("\n".join(meta.requires_dist) or "none")
        scripts = {**meta.scripts, **meta.gui_scripts}
        self.scripts.setText(
            "\n".join(f"{name} → {target}" for name, target in scripts.items()) or "none"
        )
        crates = len(overview.cargo_metadata.dependency_ids())
        self.rust_dependencies.setText(f"{crates} (from Cargo.lock, normal dependencies)")
        self.maturin_settings.setText(_maturin_settings_text(overview))
