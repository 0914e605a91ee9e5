"""The Build page's options form: the GUI face of ``cratewright build``'s flags.

The form holds plain values (a JSON-able dict, remembered per project) and turns them into
the engine's :class:`~cratewright.core.build.plan.BuildOptions`; every decision about what the
values mean stays in the core's ``plan_build``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QToolButton,
    QWidget,
)

from cratewright.core.build import STUBS_REQUIREMENT, BuildOptions, stub_support
from cratewright.core.metadata import ProjectOverview
from cratewright.core.project import AUDITWHEEL_MODES

__all__ = ["BuildOptionsForm", "options_from_values"]

_COMPATIBILITY_CHOICES = (
    "",
    "manylinux_2_17",
    "manylinux_2_28",
    "manylinux_2_31",
    "manylinux_2_34",
    "manylinux_2_39",
    "musllinux_1_2",
    "linux",
)
_AUDITWHEEL_HELP = {
    "repair": ("repair: bundle libraries", "repair: bundle outside libraries into the wheel"),
    "check": ("check: fail if outside libs", "check: fail if the wheel needs outside libraries"),
    "warn": ("warn only", "warn: only warn about outside libraries"),
    "skip": ("skip the audit", "skip: no manylinux audit (linux tag)"),
}


def _profiles(overview: ProjectOverview) -> list[str]:
    """dev and release, then the custom [profile.*] tables of the crate's Cargo.toml."""
    custom = overview.project.cargo.get("profile", {})
    names = [name for name in custom if name not in ("dev", "release")]
    return ["release", "dev", *sorted(names)]


def _features(overview: ProjectOverview) -> list[str]:
    features = overview.cargo_metadata.root_package.get("features") or {}
    return sorted(name for name in features if name != "default")


def default_values(overview: ProjectOverview) -> dict[str, Any]:
    """The form's values before the user touched it: [tool.maturin], else release builds."""
    maturin = overview.project.maturin
    return {
        "profile": maturin.profile or "release",
        "features": ",".join(maturin.features),
        "all_features": bool(maturin.all_features),
        "no_default_features": bool(maturin.no_default_features),
        "compatibility": maturin.compatibility[0] if maturin.compatibility else "",
        "auditwheel": maturin.auditwheel or "repair",
        "strip": bool(maturin.strip),
        "sdist": False,
        "generate_stubs": False,
        "out": "",
    }


def options_from_values(
    values: dict[str, Any],
    *,
    manifest_path: Path,
    interpreters: tuple[Path, ...] = (),
    target: str | None = None,
    zig: bool = False,
) -> BuildOptions:
    """The engine's BuildOptions for these form values and the shared selection."""
    features = tuple(f for f in re.split(r"[ ,]+", values.get("features", "")) if f)
    out = values.get("out") or None
    return BuildOptions(
        manifest_path=manifest_path,
        interpreters=tuple(str(path) for path in interpreters),
        profile=values.get("profile") or None,
        out=Path(out) if out else None,
        compatibility=(values["compatibility"],) if values.get("compatibility") else (),
        auditwheel=values.get("auditwheel") or None,
        strip=bool(values.get("strip")),
        features=features,
        all_features=bool(values.get("all_features")),
        no_default_features=bool(values.get("no_default_features")),
        target=target,
        zig=zig,
        generate_stubs=bool(values.get("generate_stubs")),
    )


class BuildOptionsForm(QWidget):
    """Profile, features, compatibility, auditwheel, strip, sdist and output folder.

    Signal ``changed()`` fires on any edit (the page saves the values per project).
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(24)
        left = QFormLayout()
        right = QFormLayout()
        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

        self.profile = QComboBox(self)
        self.profile.setToolTip("cargo profile: release is optimised, dev compiles faster")
        left.addRow("Profile:", self.profile)

        features_row = QHBoxLayout()
        self.features = QLineEdit(self)
        self.features.setPlaceholderText("none (comma-separated features)")
        # a push button keeps its menu arrow beside the text (a tool button drew it over it)
        self.features_menu_button = QPushButton("Choose", self)
        self.features_menu_button.setToolTip("Tick the crate's cargo features")
        self._features_menu = QMenu(self.features_menu_button)
        self.features_menu_button.setMenu(self._features_menu)
        features_row.addWidget(self.features, 1)
        features_row.addWidget(self.features_menu_button)
        left.addRow("Features:", features_row)
        self.all_features = QCheckBox("All features", self)
        self.no_default_features = QCheckBox("No default features", self)
        flags = QHBoxLayout()
        flags.addWidget(self.all_features)
        flags.addWidget(self.no_default_features)
        flags.addStretch(1)
        left.addRow("", flags)
        self.strip = QCheckBox("Strip symbols (smaller wheel)", self)
        self.sdist = QCheckBox("Also build an sdist (wheels are then built from it)", self)
        left.addRow("", self.strip)
        left.addRow("", self.sdist)
        self.generate_stubs = QCheckBox("Generate type stubs (.pyi)", self)
        self.generate_stubs.setToolTip(
            "Write .pyi stubs from the built module into the wheel (--generate-stubs). "
            + STUBS_REQUIREMENT
        )
        self.stubs_note = QLabel(STUBS_REQUIREMENT, self)
        self.stubs_note.setWordWrap(True)
        self.stubs_note.setEnabled(False)  # a grey hint, not a control
        left.addRow("", self.generate_stubs)
        left.addRow("", self.stubs_note)

        self.compatibility = QComboBox(self)
        self.compatibility.setEditable(True)
        for choice in _COMPATIBILITY_CHOICES:
            self.compatibility.addItem(choice or "auto (highest manylinux)", choice)
        self.compatibility.setToolTip("platform tag the wheel must meet (--compatibility)")
        right.addRow("Compatibility:", self.compatibility)
        self.auditwheel = QComboBox(self)
        for mode in AUDITWHEEL_MODES:
            short, full = _AUDITWHEEL_HELP.get(mode, (mode, mode))
            self.auditwheel.addItem(short, mode)
            self.auditwheel.setItemData(
                self.auditwheel.count() - 1, full, Qt.ItemDataRole.ToolTipRole
            )
        self.auditwheel.setToolTip("what the manylinux audit does after compiling (--auditwheel)")
        right.addRow("Audit:", self.auditwheel)
        out_row = QHBoxLayout()
        self.out = QLineEdit(self)
        self.out.setPlaceholderText("target/wheels (cargo's target dir)")
        browse = QToolButton(self)
        browse.setText("…")
        browse.setToolTip("Choose the output folder")
        browse.clicked.connect(self._browse_out)
        out_row.addWidget(self.out, 1)
        out_row.addWidget(browse)
        right.addRow("Output folder:", out_row)

        for widget in (
            self.all_features,
            self.no_default_features,
            self.strip,
            self.sdist,
            self.generate_stubs,
        ):
            widget.toggled.connect(self.changed)
        for combo in (self.profile, self.compatibility, self.auditwheel):
            combo.currentIndexChanged.connect(self.changed)
        self.compatibility.editTextChanged.connect(self.changed)
        self.features.textChanged.connect(self.changed)
        self.features.textChanged.connect(self._sync_feature_menu)
        self.out.textChanged.connect(self.changed)
        self._root: Path | None = None  # the project's folder: where dialogs start

    # -- values -----------------------------------------------------------------------------

    def load(self, overview: ProjectOverview, saved: dict[str, Any]) -> None:
        """Offer this project's profiles and features; show ``saved`` over the defaults."""
        values = {**default_values(overview), **saved}
        self._root = overview.root
        self.blockSignals(True)
        try:
            self.profile.clear()
            self.profile.addItems(_profiles(overview))
            self._features_menu.clear()
            for feature in _features(overview):
                action = self._features_menu.addAction(feature)
                action.setCheckable(True)
                action.toggled.connect(
                    lambda checked, name=feature: self._toggle_feature(name, checked)
                )
            self.features_menu_button.setEnabled(bool(_features(overview)))
            support = stub_support(overview.bindings, overview.cargo_metadata)
            self.stubs_note.setText(
                support.reason if support.ready else f"{support.reason} {STUBS_REQUIREMENT}"
            )
            self.set_values(values)
        finally:
            self.blockSignals(False)

    def set_values(self, values: dict[str, Any]) -> None:
        """Show these values (unknown profiles are added to the list)."""
        profile = values.get("profile") or "release"
        if self.profile.findText(profile) < 0:
            self.profile.addItem(profile)
        self.profile.setCurrentText(profile)
        self.features.setText(values.get("features", ""))
        self.all_features.setChecked(bool(values.get("all_features")))
        self.no_default_features.setChecked(bool(values.get("no_default_features")))
        compatibility = values.get("compatibility", "")
        index = self.compatibility.findData(compatibility)
        if index >= 0:
            self.compatibility.setCurrentIndex(index)
        else:
            self.compatibility.setEditText(compatibility)
        index = self.auditwheel.findData(values.get("auditwheel", "repair"))
        self.auditwheel.setCurrentIndex(max(index, 0))
        self.strip.setChecked(bool(values.get("strip")))
        self.sdist.setChecked(bool(values.get("sdist")))
        self.generate_stubs.setChecked(bool(values.get("generate_stubs")))
        self.out.setText(values.get("out", ""))

    def values(self) -> dict[str, Any]:
        """The form as plain values (what is saved per project)."""
        compatibility = self.compatibility.currentData()
        text = self.compatibility.currentText().strip()
        if (
            compatibility is None
            or self.compatibility.itemText(self.compatibility.currentIndex()) != text
        ):
            compatibility = text
        return {
            "profile": self.profile.currentText(),
            "features": self.features.text().strip(),
            "all_features": self.all_features.isChecked(),
            "no_default_features": self.no_default_features.isChecked(),
            "compatibility": compatibility or "",
            "auditwheel": self.auditwheel.currentData(),
            "strip": self.strip.isChecked(),
            "sdist": self.sdist.isChecked(),
            "generate_stubs": self.generate_stubs.isChecked(),
            "out": self.out.text().strip(),
        }

    # -- helpers ----------------------------------------------------------------------------

    def _current_features(self) -> list[str]:
        return [f for f in re.split(r"[ ,]+", self.features.text()) if f]

    def _toggle_feature(self, name: str, checked: bool) -> None:
        features = [f for f in self._current_features() if f != name]
        if checked:
            features.append(name)
        self.features.setText(",".join(features))

    def _sync_feature_menu(self) -> None:
        current = set(self._current_features())
        for action in self._features_menu.actions():
            action.blockSignals(True)
            action.setChecked(action.text() in current)
            action.blockSignals(False)

    def _browse_out(self) -> None:
        start = self.out.text() or str(self._root or "")
        folder = QFileDialog.getExistingDirectory(self, "Output folder for wheels", start)
        if folder:
            self.out.setText(folder)
