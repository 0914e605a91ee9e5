"""The Audit page with real wheels: audits run in workers, views fill, repair works, errors show."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDropEvent

from cratewright.gui.audit_views import KIND_COLOURS
from cratewright.gui.pages.audit_page import AuditPage
from tests.core.test_audit_support import make_wheel, private_extension


@pytest.fixture
def unrepaired(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    ext, helper = private_extension(tmp_path)
    monkeypatch.setenv("LD_LIBRARY_PATH", str(helper.parent))
    return make_wheel(tmp_path / "dist", {f"demo/{ext.name}": ext, "demo/__init__.py": b""})


@pytest.fixture
def page(qtbot, app_state) -> AuditPage:
    widget = AuditPage(app_state)
    qtbot.addWidget(widget)
    widget.resize(1100, 760)
    return widget


def _audited(qtbot, page: AuditPage, name: str) -> None:
    qtbot.waitUntil(
        lambda: page.report is not None and Path(page.report.path).name == name, timeout=30_000
    )


def test_built_wheels_are_audited_in_a_worker(qtbot, page: AuditPage, app_state, unrepaired):
    assert page.page_id == "audit" and page.title == "Audit"
    app_state.set_artifacts((unrepaired,))
    assert page._task is not None  # the audit runs in a worker, not on the UI thread
    _audited(qtbot, page, unrepaired.name)
    assert page.badge.text() == "linux — needs repair"
    assert "libhelper.so.1" in page.summary.text()
    assert "manylinux_2_5" in page.summary.text()

    # dependency tree: the extension, under it the external library in the external colour
    tree = page.dependencies.tree
    top = tree.topLevelItem(0)
    assert top.text(0) == "demo/demo.cpython-311-x86_64-linux-gnu.so"
    kinds = {top.child(i).text(0): top.child(i) for i in range(top.childCount())}
    helper = kinds["libhelper.so.1"]
    assert helper.data(0, Qt.ItemDataRole.UserRole) == "external"
    assert helper.foreground(0).color() == QColor(KIND_COLOURS["external"])
    assert kinds["libc.so.6"].data(0, Qt.ItemDataRole.UserRole) == "system"

    # policy ladder: 16 manylinux rungs then 2 musllinux, each failing one explains itself
    ladder = page.ladder
    names = [ladder.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole)
             for i in range(ladder.topLevelItemCount())]  # fmt: skip
    assert names[0] == "manylinux_2_5" and names[15] == "manylinux_2_41"
    assert names[16:] == ["musllinux_1_1", "musllinux_1_2"]
    first = ladder.topLevelItem(0)
    assert first.text(1).startswith("🩹 passes after repair (bundle libhelper.so.1)")
    assert first.child(0).text(1).startswith("libhelper.so.1 (")
    assert ladder.topLevelItem(16).text(1) == "✘ fails: the files link glibc"

    # symbols: filter by library and version
    symbols = page.symbols
    assert ("strlen", "GLIBC_2.2.5", "libc.so.6") in symbols.visible_rows()
    symbols.set_filters(library="libc.so.6", version="GLIBC_2.2.5")
    assert symbols.visible_rows() and all(r[2] == "libc.so.6" for r in symbols.visible_rows())
    symbols.set_filters(text="no-such-symbol")
    assert symbols.visible_rows() == []
    assert symbols.count.text().startswith("0 of ")

    # contents with sizes and the size chart
    contents = page.contents
    assert contents.tree.topLevelItem(0).text(0) == "demo/"
    assert contents.chart.items[0][0] == "demo/demo.cpython-311-x86_64-linux-gnu.so"

    # repair preview
    assert page.repair_shortcut.isVisibleTo(page)
    assert page.repair.repair_button.isEnabled()
    graft = page.repair.grafts.topLevelItem(0)
    assert graft.text(0) == "libhelper.so.1"
    assert graft.text(2).startswith("demo.libs/libhelper-")
    assert "retags the wheel manylinux_2_5" in page.repair.summary.text()


def test_repair_button_repairs_and_audits_the_result(
    qtbot, page: AuditPage, unrepaired: Path, tmp_path: Path
):
    page.open_wheel(unrepaired)
    _audited(qtbot, page, unrepaired.name)
    page.repair.out_dir.setText(str(tmp_path / "house"))
    assert page.running_jobs() == []
    qtbot.mouseClick(page.repair.repair_button, Qt.MouseButton.LeftButton)
    # while it runs, closing the window would name it (MainWindow.running_jobs)
    (job,) = page.running_jobs()
    assert job.describe().startswith(f"a repair of {unrepaired.name} (running for ")
    repaired = "demo-1.0-cp311-cp311-manylinux1_x86_64.manylinux_2_5_x86_64.whl"
    _audited(qtbot, page, repaired)
    assert (tmp_path / "house" / repaired).is_file()
    assert page.badge.text() == "manylinux_2_5"
    assert "Repaired wheel written to" in page.repair.result.text() or page.plan is None
    assert page.wheels.count() == 2
    kinds = {n.kind for n in page.report.libraries.values()}
    assert "bundled" in kinds and "external" not in kinds
    page.wait()
    assert page.running_jobs() == []


def test_a_failed_repair_says_why_in_the_repair_tab_and_keeps_the_verdict(
    qtbot, page: AuditPage, unrepaired: Path, tmp_path: Path
):
    page.open_wheel(unrepaired)
    _audited(qtbot, page, unrepaired.name)
    summary = page.summary.text()
    blocker = tmp_path / "house"
    blocker.write_text("a file where the output folder should go")
    page.repair.out_dir.setText(str(blocker))
    button = page.repair.repair_button.mapTo(page, QPoint(0, 0))
    qtbot.mouseClick(page.repair.repair_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.repair.repair_button.isEnabled(), timeout=30_000)
    assert str(blocker) in page.repair.result.text()
    assert "d64545" in page.repair.result.styleSheet()  # shown as an error
    assert page.summary.isVisibleTo(page) and page.summary.text() == summary
    assert not page.error.isVisibleTo(page)
    assert page.repair.repair_button.mapTo(page, QPoint(0, 0)) == button


def test_corrupt_inputs_show_clear_messages(qtbot, page: AuditPage, tmp_path: Path):
    bad = tmp_path / "bad-1.0-py3-none-any.whl"
    bad.write_bytes(b"not a zip")
    page.open_wheel(bad)
    qtbot.waitUntil(lambda: page.error.isVisibleTo(page), timeout=30_000)
    assert "is not a wheel: not a valid zip file" in page.error.text()
    assert not page.details_button.isVisibleTo(page)  # an expected error, no traceback
    assert page.badge.text() == "cannot audit"

    so = private_extension(tmp_path / "x")[0].read_bytes()
    truncated = make_wheel(tmp_path / "t", {"demo/m.cpython-311-x86_64-linux-gnu.so": so[:300]})
    page.open_wheel(truncated)
    qtbot.waitUntil(lambda: "not a valid ELF file" in page.error.text(), timeout=30_000)


def test_dropping_a_wheel_audits_it(qtbot, page: AuditPage, tmp_path: Path):
    pure = make_wheel(tmp_path, {"pkg/__init__.py": b""}, tag="py3-none-any")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(pure))])
    event = QDropEvent(
        QPointF(QPoint(10, 10)), Qt.DropAction.CopyAction, mime,
        Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    page.dropEvent(event)
    _audited(qtbot, page, pure.name)
    assert page.badge.text() == "pure Python"
    assert not page.repair.repair_button.isEnabled()


def test_prepare_screenshot_shows_loaded_data(qtbot, page: AuditPage, app_state, unrepaired):
    app_state.set_artifacts((unrepaired,))
    page.prepare_screenshot()
    assert page.report is not None
    assert page.dependencies.tree.topLevelItemCount() == 1
    image = page.grab()
    assert not image.isNull()
