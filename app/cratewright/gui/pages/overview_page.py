"""The Overview page: what the open project is, in one glance.

Everything shown comes from :class:`cratewright.core.metadata.overview_facts.OverviewFacts`,
derived from the same decisions a build makes (binding detection with its reason, layout,
abi3), so what the user reads here is what the build will do. At start-up the facts come
from a second process before the engine is even imported (see :meth:`OverviewPage.show_facts`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

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

from cratewright.gui.page import Page
from cratewright.gui.qt_properties import ALIGN_TOP, align, selectable_by_mouse
from cratewright.gui.scrolling import scrolled_column
from cratewright.gui.state import AppState

if TYPE_CHECKING:  # the page is painted before the engine is imported
    from cratewright.core.metadata import OverviewFacts, ProjectOverview

__all__ = ["OverviewPage"]


def _relative(path: str | None, root: str) -> str:
    if path is None:
        return "—"
    try:
        return str(Path(path).relative_to(root))
    except ValueError:
        return path


def _abi3_text(facts: OverviewFacts) -> str:
    if not facts["is_abi3"]:
        return "no: one wheel per Python version"
    if facts["abi3_minor"]:
        return f"yes: one wheel for CPython ≥ 3.{facts['abi3_minor']}"
    return "yes: one wheel for CPython ≥ the interpreter's version"


def _maturin_settings_text(facts: OverviewFacts) -> str:
    """The [tool.maturin] keys the project sets, one per line (maturin's own spelling)."""
    if not facts["maturin_settings"]:
        return "none: maturin's defaults apply"
    return "\n".join(f"{key} = {value}" for key, value in facts["maturin_settings"])


class OverviewPage(Page):
    """Name, version, bindings and why, layout, abi3, Rust targets and files of the project."""

    page_id = "overview"
    title = "Overview"

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(state, parent)
        self._values: list[QLabel] = []
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
        self.bindings = self._value(build_box, wrap=False)
        self.bindings_reason = self._value(build_box)
        self.layout_kind = self._value(build_box, wrap=False)
        self.module = self._value(build_box)
        self.abi3 = self._value(build_box)
        self.requires_python = self._value(build_box, wrap=False)
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
        self.cargo_toml = self._value(files_box, wrap=False)
        self.pyproject = self._value(files_box, wrap=False)
        self.python_source = self._value(files_box, wrap=False)
        self.workspace = self._value(files_box, wrap=False)
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
        self.rust_dependencies = self._value(package_box, wrap=False)
        package_form.addRow("Dependencies:", self.dependencies)
        package_form.addRow("Scripts:", self.scripts)
        package_form.addRow("Rust crates linked:", self.rust_dependencies)
        second.addWidget(package_box, 3)
        maturin_box = QGroupBox("[tool.maturin] settings", body)
        maturin_layout = QVBoxLayout(maturin_box)
        self.maturin_settings = self._value(maturin_box)
        align(self.maturin_settings, ALIGN_TOP)
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

    def _value(self, parent: QWidget, *, wrap: bool = True) -> QLabel:
        """A value label; ``wrap=False`` for the short ones (a word-wrapped label is laid out
        again for every width its layout tries)."""
        label = QLabel(parent)
        label.setWordWrap(wrap)
        self._values.append(label)
        return label

    def _make_selectable(self) -> None:
        """Let the values be selected and copied with the mouse.

        Done once the engine has loaded the project, not for the first frame: a selectable
        label is drawn through its own text document, 3 ms for the page's fifteen.
        """
        for label in self._values:
            selectable_by_mouse(label)

    def project_changed(self, overview: ProjectOverview | None) -> None:
        """Fill every field from the overview (or clear them)."""
        if overview is None:
            for label in self.findChildren(QLabel):
                label.clear()
            self.targets.clear()
            return
        from cratewright.core.metadata import facts_of

        self.show_facts(facts_of(overview))
        self._make_selectable()

    def show_facts(self, facts: OverviewFacts) -> None:
        """Fill every field from the project's facts (the only way a project is shown)."""
        root = facts["root"]
        self.heading.setText(f"{facts['name']} {facts['version']}")
        self.summary.setText(facts["summary"] or "No summary (set [project] description).")
        self.bindings.setText(facts["bindings_label"])
        self.bindings_reason.setText(facts["bindings_reason"])
        self.layout_kind.setText(facts["layout_kind"])
        self.module.setText(
            f"{facts['module_name']}  (native module at "
            f"{facts['module_dir_in_wheel']}/ in the wheel)"
        )
        self.abi3.setText(_abi3_text(facts))
        self.requires_python.setText(facts["requires_python"] or "any")
        self.root.setText(root)
        self.cargo_toml.setText(_relative(facts["cargo_toml"], root))
        self.pyproject.setText(_relative(facts["pyproject_toml"], root))
        self.python_source.setText(
            _relative(facts["python_dir"], root) if facts["is_mixed"] else "—"
        )
        workspace = facts["workspace_root"]
        self.workspace.setText(
            "this crate" if workspace == facts["crate_dir"] else _relative(workspace, root)
        )
        self.targets.clear()
        for target in facts["targets"]:
            QTreeWidgetItem(
                self.targets,
                [
                    target["name"],
                    ", ".join(target["kinds"]),
                    ", ".join(target["crate_types"]),
                    _relative(target["src_path"], facts["crate_dir"]),
                ],
            )
        for column in range(3):
            self.targets.resizeColumnToContents(column)
        rows = max(self.targets.topLevelItemCount(), 1)
        row_height = max(self.targets.sizeHintForRow(0), self.fontMetrics().height() + 4)
        frame = 2 * self.targets.frameWidth()
        height = self.targets.header().sizeHint().height() + rows * row_height + frame + 4
        self.targets.setFixedHeight(min(height, 200))
        self.dependencies.setText("\n".join(facts["requires_dist"]) or "none")
        self.scripts.setText(
            "\n".join(f"{name} → {target}" for name, target in facts["scripts"].items()) or "none"
        )
        crates = facts["rust_dependencies"]
        self.rust_dependencies.setText(f"{crates} (from Cargo.lock, normal dependencies)")
        self.maturin_settings.setText(_maturin_settings_text(facts))
