"""The Interpreters & Targets page's target side: the Rust target list, zig, the chosen triple.

A part of :class:`~cratewright.gui.pages.interpreters_page.InterpretersPage` (mixed into it):
it shows the core's ``TargetListing`` from the last scan and pushes the choice into AppState.
"""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QListWidgetItem,
)

from cratewright.core.build import TargetListing
from cratewright.gui.interpreter_table import _PATH_ROLE


class TargetChoice:
    """The target side of the Interpreters & Targets page."""

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
