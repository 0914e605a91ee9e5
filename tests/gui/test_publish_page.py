"""The Publish page against a real keyring (gnome-keyring) and a real index (pypiserver)."""

from __future__ import annotations

import itertools
import sys
import time
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from PySide6.QtCore import QTimer

from cratewright.core.publish import (
    Credential,
    load_stored_credential,
    repository_from_url,
    store_credential,
    stored_username,
)
from cratewright.gui.publish_confirm_dialog import PublishConfirmDialog
from cratewright.gui.publish_token_dialog import PublishTokenDialog
from cratewright.gui.settings import app_settings
from tests.conftest import TEST_CRATES, run_cratewright
from tests.publish import fixtures
from tests.publish.fixtures import (
    KeyringSession,
    LeakGuard,
    PypiServer,
    keyring_in_process,
    make_wheel,
)

# the publish tests' real services, shared as fixtures of this module
isolated_env = fixtures.isolated_env
keyring_session = fixtures.keyring_session
leak_guard = fixtures.leak_guard
pypi_server = fixtures.pypi_server


@pytest.fixture(scope="module")
def mixed_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """test-crates/pyo3-mixed built once by the CLI for this interpreter."""
    out = tmp_path_factory.mktemp("mixed-wheel")
    proc = run_cratewright("build", "-m", TEST_CRATES / "pyo3-mixed", "-i", sys.executable,
                           "-o", out)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    (wheel,) = out.glob("*.whl")
    return wheel


def _page(qtbot, app_state, guard: LeakGuard):
    from cratewright.gui.pages.publish_page import PublishPage

    page = PublishPage(app_state)
    qtbot.addWidget(page)
    page.resize(1100, 760)
    page.show()  # the keyring is first asked when the page is shown
    guard.folder(Path(app_settings().fileName()).parent)
    return page


def _visible_text(page) -> str:
    from PySide6.QtWidgets import QLabel, QLineEdit, QTableWidget

    texts = [w.text() for w in page.findChildren(QLabel)]
    texts += [w.text() for w in page.findChildren(QLineEdit)]
    table = page.findChild(QTableWidget)
    for row in range(table.rowCount()):
        for column in range(table.columnCount()):
            item = table.item(row, column)
            texts.append(item.text() + (item.toolTip() or "") if item else "")
    return "\n".join(texts)


def _fill_token_dialog(qtbot, page, username: str, token: str) -> PublishTokenDialog:
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, PublishTokenDialog), timeout=20_000)
    dialog = page.active_dialog
    dialog.username.setText(username)
    dialog.token.setText(token)
    assert dialog.token.echoMode() == dialog.token.EchoMode.Password
    dialog.accept()
    return dialog


def test_testpypi_is_the_default_and_checks_gate_publish(
    qtbot, app_state, tmp_path: Path, leak_guard: LeakGuard
) -> None:
    page = _page(qtbot, app_state, leak_guard)
    assert page.repository().is_testpypi
    good = make_wheel(tmp_path / "good")
    corrupt = make_wheel(tmp_path / "bad", "cw-bad")
    corrupt.write_bytes(corrupt.read_bytes()[:-100])
    app_state.set_artifacts((good,), None)
    page.file_chooser = lambda parent: [corrupt]
    page.add_files()
    page.wait_idle()
    assert page.files == [good, corrupt.resolve()]
    assert page.table.item(0, 2).text() == "✔ passed"
    assert page.table.item(1, 2).text().startswith("✖ not a valid zip archive")
    assert not page.publish_button.isEnabled(), "a file that would be refused blocks Publish"
    page.table.selectRow(1)
    page.remove_selected()
    page.wait_idle()
    assert page.files == [good]
    assert page.publish_button.isEnabled()
    assert corrupt.exists(), "Remove only leaves the file out of the upload"


def test_pypi_needs_a_confirmation_naming_project_and_version(
    qtbot, app_state, tmp_path: Path, leak_guard: LeakGuard
) -> None:
    page = _page(qtbot, app_state, leak_guard)
    app_state.set_artifacts((make_wheel(tmp_path),), None)
    page.select_repository("pypi")
    page.wait_idle()
    assert page.repository().is_pypi
    page.publish()
    dialog = page.active_dialog
    assert isinstance(dialog, PublishConfirmDialog)
    assert "Publish <b>cw-demo 1.0.0</b> to <b>PyPI</b>?" in dialog.text.text()
    assert dialog.publish_button.text() == "Publish cw-demo 1.0.0"
    assert dialog.cancel_button.isDefault()
    dialog.reject()
    assert page.message.text() == "Nothing was uploaded."
    assert not page.busy


@pytest.mark.cargo
def test_token_dialog_then_publish_then_pip_install(
    qtbot, app_state, mixed_wheel: Path, pypi_server: PypiServer, leak_guard: LeakGuard,
    make_venv,
) -> None:  # fmt: skip
    leak_guard.secret(pypi_server.password)
    page = _page(qtbot, app_state, leak_guard)
    app_state.set_artifacts((mixed_wheel,), None)
    page.select_repository("custom", pypi_server.url)
    page.wait_idle()
    assert "No token stored for 127.0.0.1" in page.credential_label.text()

    page.token_button.click()
    _fill_token_dialog(qtbot, page, pypi_server.username, pypi_server.password)
    repo = repository_from_url(pypi_server.url)
    qtbot.waitUntil(
        lambda: "✔ Password for uploader" in page.credential_label.text(), timeout=20_000
    )
    assert stored_username(repo) == pypi_server.username

    page.publish_button.click()
    qtbot.waitUntil(lambda: page.result is not None, timeout=60_000)
    page.wait_idle()
    assert page.table.item(0, 3).text() == "✔ uploaded"
    assert f"{pypi_server.simple_url}pyo3-mixed/" in page.result_label.text()
    assert page.message.text() == "Uploaded 1 file(s) to 127.0.0.1."
    assert (pypi_server.packages / mixed_wheel.name).exists()

    venv = make_venv("gui-installed")
    venv.pip_install("--index-url", pypi_server.simple_url, "pyo3-mixed")
    check = venv.run([venv.python, "-c", "import pyo3_mixed; print('ok')"])
    assert check.stdout.strip() == "ok", check.stderr
    leak_guard.output("page", _visible_text(page))


def test_no_token_asks_during_publish_and_keeps_it_after_success(
    qtbot, app_state, tmp_path: Path, pypi_server: PypiServer, leak_guard: LeakGuard
) -> None:
    leak_guard.secret(pypi_server.password)
    page = _page(qtbot, app_state, leak_guard)
    app_state.set_artifacts((make_wheel(tmp_path),), None)
    page.select_repository("custom", pypi_server.url)
    page.wait_idle()
    page.publish()
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, PublishTokenDialog), timeout=20_000)
    assert "No credential is stored for 127.0.0.1" in page.message.text()
    _fill_token_dialog(qtbot, page, pypi_server.username, pypi_server.password)
    qtbot.waitUntil(lambda: page.result is not None, timeout=60_000)
    page.wait_idle()
    repo = repository_from_url(pypi_server.url)
    assert load_stored_credential(repo) == Credential(
        pypi_server.username, pypi_server.password, "keyring"
    ), "kept in the keyring once the index accepted it"
    leak_guard.output("page", _visible_text(page))


def test_wrong_token_is_shown_and_offers_an_update(
    qtbot, app_state, tmp_path: Path, pypi_server: PypiServer, leak_guard: LeakGuard
) -> None:
    wrong = leak_guard.secret("wrong-token-value")
    leak_guard.secret(pypi_server.password)
    repo = repository_from_url(pypi_server.url)
    store_credential(repo, pypi_server.username, wrong)
    page = _page(qtbot, app_state, leak_guard)
    app_state.set_artifacts((make_wheel(tmp_path),), None)
    page.select_repository("custom", pypi_server.url)
    page.wait_idle()
    page.publish()
    qtbot.waitUntil(lambda: "refused the credentials" in page.message.text(), timeout=60_000)
    page.wait_idle()
    assert "(403" in page.message.text()
    assert page.table.item(0, 3).text() == "✖ failed"
    assert page.token_button.text() == "Update token…"
    assert page.result is None
    leak_guard.output("page", _visible_text(page))


class _HungKeyring(KeyringBackend):
    """Every call waits, like a locked Secret Service waiting for an unlock prompt."""

    priority = 0  # type: ignore[assignment]  # never chosen by keyring on its own

    def get_password(self, service: str, username: str) -> str | None:
        time.sleep(2)
        return None

    def get_credential(self, service: str, username: str | None) -> None:
        time.sleep(2)

    def set_password(self, service: str, username: str, password: str) -> None:
        time.sleep(2)

    def delete_password(self, service: str, username: str) -> None:
        time.sleep(2)


def test_a_hung_keyring_does_not_freeze_the_window(
    qtbot, app_state, keyring_session: KeyringSession, leak_guard: LeakGuard
) -> None:
    page = _page(qtbot, app_state, leak_guard)
    page.wait_idle()
    page.keyring_timeout = 0.5
    ticks: list[float] = []
    timer = QTimer(page)
    timer.setInterval(50)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    with keyring_in_process(keyring_session.address, _HungKeyring()):
        page.select_repository("custom", "http://127.0.0.1:9/")
        qtbot.waitUntil(lambda: "did not answer" in page.credential_label.text(), timeout=10_000)
        page.wait_idle()
    timer.stop()
    assert "locked" in page.credential_label.text()
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert ticks and max(gaps) < 0.4, "the event loop kept running while the keyring hung"


def test_network_failure_offers_retry_which_then_uploads(
    qtbot, app_state, tmp_path: Path, pypi_server: PypiServer, leak_guard: LeakGuard
) -> None:
    leak_guard.secret(pypi_server.password)
    repo = repository_from_url(pypi_server.url)
    store_credential(repo, pypi_server.username, pypi_server.password)
    wheel = make_wheel(tmp_path)
    before = wheel.read_bytes()
    page = _page(qtbot, app_state, leak_guard)
    app_state.set_artifacts((wheel,), None)
    page.select_repository("custom", pypi_server.url)
    page.wait_idle()
    pypi_server.stop()
    page.publish()
    qtbot.waitUntil(lambda: page.retry_button.isVisible(), timeout=120_000)
    page.wait_idle()
    assert "Retry" in page.message.text()
    assert page.result is None
    assert wheel.read_bytes() == before  # a failed upload never touches the local file
    pypi_server.start()
    page.retry_button.click()
    qtbot.waitUntil(lambda: page.result is not None, timeout=120_000)
    page.wait_idle()
    assert not page.retry_button.isVisible()
    assert page.skip_existing.isChecked()
    assert (pypi_server.packages / wheel.name).read_bytes() == before
    leak_guard.output("page", _visible_text(page))


def test_plain_http_off_this_machine_is_named_in_the_preflight_and_blocks_publish(
    qtbot, app_state, tmp_path: Path, leak_guard: LeakGuard
) -> None:
    page = _page(qtbot, app_state, leak_guard)
    app_state.set_artifacts((make_wheel(tmp_path / "good"),), None)
    page.select_repository("custom", "http://packages.example.invalid/legacy/")
    page.wait_idle()
    assert page.table.item(0, 2).text() == "✔ passed"
    assert page.insecure_label.isVisibleTo(page)
    assert "unencrypted" in page.insecure_label.text()
    assert not page.publish_button.isEnabled(), "the token would travel in clear text"
    page.allow_insecure.setChecked(True)
    assert page.publish_button.isEnabled(), "an explicit opt-in, as --allow-insecure-http"
    page.select_repository("custom", "http://127.0.0.1:9/")
    page.wait_idle()
    assert not page.insecure_label.isVisibleTo(page), "loopback is fine"
    assert not page.allow_insecure.isChecked(), "the opt-in does not carry over"
    assert page.publish_button.isEnabled()


def test_a_linux_wheel_for_testpypi_is_refused_in_the_preflight_with_the_fix(
    qtbot, app_state, tmp_path: Path, leak_guard: LeakGuard
) -> None:
    """The same rule as `build --compatibility pypi`, shown in the pre-flight list."""
    page = _page(qtbot, app_state, leak_guard)
    assert page.repository().is_testpypi
    app_state.set_artifacts((make_wheel(tmp_path, tag="cp311-cp311-linux_x86_64"),), None)
    page.wait_idle()
    cell = page.table.item(0, 2)
    assert cell.text().startswith(
        "✖ Platform tag 'linux_x86_64' in wheel 'cw_demo-1.0.0-cp311-cp311-linux_x86_64.whl' "
        "is not allowed by PyPI"
    )
    assert "build a manylinux or musllinux wheel" in cell.toolTip()
    assert not page.publish_button.isEnabled()
