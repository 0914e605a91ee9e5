"""The Publish page: pick the index, see the files and their checks, upload with progress.

TestPyPI is selected by default; PyPI needs a confirmation naming project and version.
Every keyring call and every network call runs in a worker (``run_task``) and the keyring
calls carry a timeout, so a locked keyring or a dead server never freezes the window.
Tokens live in the keyring, or (when there is no secure keyring) in memory for one upload;
never in QSettings, the log or the status bar. Dialogs are opened with ``open()`` and kept
in :attr:`PublishPage.active_dialog`, so tests can answer them without a nested event loop.
"""

from __future__ import annotations

import html
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cratewright.core.metadata.overview import ProjectOverview
from cratewright.core.publish import (
    KEYRING_TIMEOUT,
    Credential,
    CredentialRequest,
    FileCheck,
    KeyringStatus,
    PromptAnswer,
    Repository,
    UploadFailed,
    UploadResult,
    check_distributions,
    find_credential,
    insecure_transport_problem,
    keyring_status,
    list_repositories,
    publish_files,
    repository_from_url,
    store_credential,
    stored_username,
)
from cratewright.errors import CratewrightError
from cratewright.events import Event, Message, Progress, Status
from cratewright.gui.page import Page, RunningJob
from cratewright.gui.publish_confirm_dialog import PublishConfirmDialog
from cratewright.gui.publish_token_dialog import PublishTokenDialog
from cratewright.gui.settings import app_settings
from cratewright.gui.state import AppState
from cratewright.gui.workers import Task, run_task

__all__ = ["PublishPage"]

_CUSTOM = "custom"
_OK, _WARN, _ERROR = QColor("#2e9d4f"), QColor("#c98a00"), QColor("#d0393e")
_COLUMNS = ("File", "Size", "Check", "Upload")
FileChooser = Callable[[QWidget], list[Path]]
_GUI_HINTS = {
    "exists": "bump the version to publish new files, or tick “Skip files that are already "
    "on the index”",
    "auth": "press “Update token…” and paste a valid token",
    "network": "check that the index is reachable, then press Retry; files already there "
    "are skipped",
    "server": "press Retry later; files already there are skipped",
}


def _choose_files(parent: QWidget) -> list[Path]:
    state = getattr(parent, "state", None)
    start = (state.out_dir() or state.project_path) if isinstance(state, AppState) else None
    names, _ = QFileDialog.getOpenFileNames(
        parent, "Add files to upload", str(start or Path.home()),
        "Distributions (*.whl *.tar.gz *.zip)",
    )  # fmt: skip
    return [Path(n) for n in names]


def status_line(text: str, limit: int = 110) -> str:
    """The first line of ``text``, cut at a word with "…" to fit the status bar."""
    first = text.splitlines()[0] if text else ""
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def credential_kind(username: str | None) -> str:
    """What the keyring holds for ``username``: PyPI-style API tokens use ``__token__``."""
    return "token" if username == "__token__" else "password"


def _size(path: Path) -> str:
    try:
        size = path.stat().st_size
    except OSError:
        return "—"
    return f"{size / 1024:.1f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


class PublishPage(Page):
    """Upload the last build (or chosen files) to TestPyPI, PyPI or another index."""

    page_id = "publish"
    title = "Publish"

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(state, parent)
        self.file_chooser: FileChooser = _choose_files
        self.keyring_timeout: float = KEYRING_TIMEOUT
        self.active_dialog: QDialog | None = None
        self.keyring: KeyringStatus | None = None
        self.stored_user: str | None = None
        self.checks: dict[Path, FileCheck] = {}
        self.result: UploadResult | None = None
        self._files: list[Path] = []
        self._extra: list[Path] = []
        self._once: dict[str, Credential] = {}  # "this upload only", in memory
        self._tasks: dict[str, Task] = {}
        self._stale: set[str] = set()
        self._last_failure: UploadFailed | None = None
        self._upload_started = 0.0
        self._results_for: Repository | None = None  # the index the Upload column is about
        self._sent: set[str] = set()  # names of the files sent in this upload
        self._upload_label = ""
        self._active = False  # no keyring or file access before the page is first shown

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(self._make_target_box())
        layout.addWidget(self._make_files_box(), 1)
        layout.addLayout(self._make_actions())
        message_row = QHBoxLayout()
        self.message = QLabel("", self)
        self.message.setObjectName("publish-message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # two lines are always reserved, so the buttons above never move when a message
        # comes or goes
        self.message.setMinimumHeight(2 * self.fontMetrics().lineSpacing() + 4)
        self.message.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.message_details = QPushButton("Details…", self)
        self.message_details.setToolTip("The whole message, with the server's answer")
        self.message_details.clicked.connect(self.show_message_details)
        self.message_details.setEnabled(False)
        self._full_message = ""
        message_row.addWidget(self.message, 1)
        message_row.addWidget(self.message_details, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(message_row)
        self.result_label = QLabel("", self)
        self.result_label.setObjectName("publish-result")
        self.result_label.setOpenExternalLinks(True)
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        layout.addWidget(self.result_label)

        self._fill_repositories()
        state.artifacts_changed.connect(self._artifacts_changed)
        self._artifacts_changed()

    # -- widgets ----------------------------------------------------------------------------

    def _make_target_box(self) -> QGroupBox:
        box = QGroupBox("Where to publish", self)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.repository_box = QComboBox(box)
        self.repository_box.setObjectName("publish-repository")
        self.repository_box.currentIndexChanged.connect(self._repository_changed)
        form.addRow("Index:", self.repository_box)
        self.custom_url = QLineEdit(box)
        self.custom_url.setObjectName("publish-custom-url")
        self.custom_url.setPlaceholderText("upload URL, e.g. https://packages.example.com/legacy/")
        self.custom_url.editingFinished.connect(self._repository_changed)
        self.custom_label = QLabel("Upload URL:", box)
        form.addRow(self.custom_label, self.custom_url)
        token_row = QHBoxLayout()
        self.credential_label = QLabel("", box)
        self.credential_label.setObjectName("publish-credential")
        self.credential_label.setWordWrap(True)
        self.token_button = QPushButton("Set token…", box)
        self.token_button.setObjectName("publish-set-token")
        self.token_button.clicked.connect(lambda: self.open_token_dialog())
        self.forget_button = QPushButton("Forget", box)
        self.forget_button.setToolTip("Delete the stored token from the system keyring")
        self.forget_button.clicked.connect(self.forget_token)
        token_row.addWidget(self.credential_label, 1)
        token_row.addWidget(self.token_button)
        token_row.addWidget(self.forget_button)
        form.addRow("Credential:", token_row)
        self.skip_existing = QCheckBox(
            "Skip files that are already on the index (checked on its simple index first)", box
        )
        form.addRow("", self.skip_existing)
        # Pre-flight of the transport: the core's rule (plain http only on loopback) shown
        # here, and an explicit opt-in that the upload passes on as allow_insecure_http.
        self.insecure_label = QLabel("", box)
        self.insecure_label.setObjectName("publish-insecure")
        self.insecure_label.setWordWrap(True)
        self.insecure_label.setStyleSheet(f"color: {_ERROR.name()}")
        self.allow_insecure = QCheckBox(
            "Allow plain HTTP to this index (the token is sent unencrypted)", box
        )
        self.allow_insecure.setObjectName("publish-allow-insecure")
        self.allow_insecure.toggled.connect(self._update_buttons)
        form.addRow("", self.insecure_label)
        form.addRow("", self.allow_insecure)
        self.insecure_label.setVisible(False)
        self.allow_insecure.setVisible(False)
        return box

    def transport_problem(self) -> str | None:
        """Why the selected index would get the token in clear text (None: it would not)."""
        repo = self.repository()
        try:
            return None if repo is None else insecure_transport_problem(repo)
        except CratewrightError as exc:
            return str(exc)

    def _show_transport(self) -> None:
        problem = self.transport_problem()
        self.insecure_label.setText(f"✖ {problem}" if problem else "")
        self.insecure_label.setVisible(problem is not None)
        self.allow_insecure.setVisible(problem is not None)
        if problem is None:
            self.allow_insecure.setChecked(False)

    def _make_files_box(self) -> QGroupBox:
        box = QGroupBox("Files to upload", self)
        layout = QVBoxLayout(box)
        self.table = QTableWidget(0, len(_COLUMNS), box)
        self.table.setObjectName("publish-files")
        self.table.setHorizontalHeaderLabels(list(_COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(2, 300)
        self.table.itemSelectionChanged.connect(self._show_details)
        layout.addWidget(self.table, 1)
        self.details = QLabel("", box)
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.details)
        row = QHBoxLayout()
        self.empty_hint = QLabel("", box)
        self.empty_hint.setWordWrap(True)
        add = QPushButton("Add files…", box)
        add.clicked.connect(self.add_files)
        self.remove_button = QPushButton("Remove", box)
        self.remove_button.clicked.connect(self.remove_selected)
        row.addWidget(self.empty_hint, 1)
        row.addWidget(add)
        row.addWidget(self.remove_button)
        layout.addLayout(row)
        return box

    def _make_actions(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.publish_button = QPushButton("Publish", self)
        self.publish_button.setObjectName("publish-button")
        self.publish_button.setMinimumWidth(120)
        bold = QFont(self.publish_button.font())
        bold.setBold(True)
        self.publish_button.setFont(bold)
        self.publish_button.clicked.connect(self.publish)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.retry_button = QPushButton("Retry (skip files already there)", self)
        self.retry_button.setVisible(False)
        self.retry_button.clicked.connect(self._retry)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("%p %")
        row.addWidget(self.publish_button)
        row.addWidget(self.cancel_button)
        row.addWidget(self.retry_button)
        row.addWidget(self.progress, 1)
        return row

    # -- repositories -----------------------------------------------------------------------

    def _fill_repositories(self) -> None:
        try:
            repositories = list_repositories()
        except CratewrightError as exc:
            self._say(f"~/.pypirc was ignored: {exc}", error=True)
            repositories = list_repositories(os.devnull)
        self.repository_box.blockSignals(True)
        for repo in repositories:
            suffix = f"  ({repo.upload_url})" if repo.source == "pypirc" else ""
            self.repository_box.addItem(f"{repo.label}{suffix}", repo)
        self.repository_box.addItem("Other index (upload URL)…", _CUSTOM)
        settings = app_settings()
        self.custom_url.setText(str(settings.value("publish/custom-url", "") or ""))
        wanted = str(settings.value("publish/repository", "testpypi") or "testpypi")
        index = max(0, self._index_of(wanted))
        self.repository_box.setCurrentIndex(index)
        self.repository_box.blockSignals(False)
        self._repository_changed()

    def _index_of(self, key: str) -> int:
        for index in range(self.repository_box.count()):
            data = self.repository_box.itemData(index)
            name = data if isinstance(data, str) else (data.name or data.upload_url)
            if name == key:
                return index
        return -1

    def select_repository(self, key: str, url: str = "") -> None:
        """Pick "pypi", "testpypi", a .pypirc name, or "custom" with its upload URL."""
        if url:
            self.custom_url.setText(url)
        self.repository_box.setCurrentIndex(self._index_of(key))
        self._repository_changed()

    def repository(self) -> Repository | None:
        """The selected target (None: a custom URL that is empty or invalid)."""
        data = self.repository_box.currentData()
        if isinstance(data, Repository):
            return data
        text = self.custom_url.text().strip()
        if not text:
            return None
        try:
            return repository_from_url(text)
        except CratewrightError:
            return None

    def _repository_changed(self) -> None:
        custom = self.repository_box.currentData() == _CUSTOM
        self.custom_url.setVisible(custom)
        self.custom_label.setVisible(custom)
        data = self.repository_box.currentData()
        settings = app_settings()
        settings.setValue(
            "publish/repository", _CUSTOM if custom else (data.name or data.upload_url)
        )
        if custom:
            settings.setValue("publish/custom-url", self.custom_url.text().strip())
        repo = self.repository()
        if repo != self._results_for:
            self._results_for = repo
            self._clear_results()
        if custom and self.custom_url.text().strip() and repo is None:
            try:
                repository_from_url(self.custom_url.text())
            except CratewrightError as exc:
                self._say(str(exc), error=True)
        self._show_transport()
        self._refresh_credential()
        self._run_checks()

    # -- keyring ----------------------------------------------------------------------------

    def _start(self, key: str, function: Callable[..., Any], **handlers: Any) -> Task | None:
        """Run one job per key; a request while it runs re-runs it afterwards."""
        if key in self._tasks:
            self._stale.add(key)
            return None
        task = run_task(function, parent=self, **handlers)
        self._tasks[key] = task
        task.finished.connect(lambda: self._task_done(key))
        return task

    def _task_done(self, key: str) -> None:
        self._tasks.pop(key, None)
        if key in self._stale:
            self._stale.discard(key)
            {"credential": self._refresh_credential, "checks": self._run_checks}.get(
                key, lambda: None
            )()
        self._update_buttons()

    def showEvent(self, event: QShowEvent) -> None:
        """The keyring is first asked when the page is first shown, not at start-up."""
        super().showEvent(event)
        self._activate()

    def _activate(self) -> None:
        if not self._active:
            self._active = True
            self._refresh_credential()
            self._run_checks()

    def _refresh_credential(self) -> None:
        if not self._active:
            return
        repo = self.repository()
        if repo is None:
            self.credential_label.setText("Enter the upload URL of the index.")
            self.stored_user = None
            self._update_buttons()
            return
        self.credential_label.setText("Checking the system keyring…")

        def look(sink: Any, cancel: Any) -> tuple[Repository, KeyringStatus, str | None]:
            timeout = self.keyring_timeout
            status = keyring_status(timeout=timeout)
            user = stored_username(repo, timeout=timeout) if status.usable else None
            return repo, status, user

        self._start(
            "credential", look, on_success=self._credential_known,
            on_failure=self._credential_failed,
        )  # fmt: skip

    def _credential_known(self, outcome: tuple[Repository, KeyringStatus, str | None]) -> None:
        repo, status, user = outcome
        if repo != self.repository():
            self._stale.add("credential")
            return
        self.keyring, self.stored_user = status, user
        once = self._once.get(repo.upload_url)
        self.credential_label.setToolTip(status.reason or f"Keyring backend: {status.backend}")
        if once is not None:
            text = f"A token for {once.username} will be used for the next upload only."
        elif not status.usable:
            text = "⚠ No secure system keyring: the token is asked for each upload (see tooltip)."
        elif user:
            kind = credential_kind(user).capitalize()
            text = f"✔ {kind} for {user} stored in the system keyring ({status.backend})."
        else:
            text = f"No token stored for {repo.label} yet."
        self.credential_label.setText(text)
        self._update_buttons()

    def _credential_failed(self, error: BaseException, trace: str) -> None:
        self.stored_user = None
        self.credential_label.setText(f"⚠ {self._describe(error, trace)}")

    def open_token_dialog(self, request: CredentialRequest | None = None) -> None:
        """Ask for the token (Set token… button, or during Publish when none is found)."""
        repo = request.repository if request else self.repository()
        if repo is None:
            self._say("Choose an index first.", error=True)
            return
        keyring = request.keyring if request else (self.keyring or KeyringStatus(False, "?"))
        username = (request.username if request else self.stored_user) or (
            "__token__" if repo.uses_tokens else repo.username
        )
        dialog = PublishTokenDialog(
            repo, username=username, keyring=keyring,
            reason=request.reason if request else "", parent=self,
        )  # fmt: skip
        dialog.finished.connect(lambda code: self._token_entered(dialog, code, request))
        self._open(dialog)

    def _token_entered(
        self, dialog: PublishTokenDialog, code: int, request: CredentialRequest | None
    ) -> None:
        self.active_dialog = None
        answer = dialog.answer() if code == QDialog.DialogCode.Accepted else None
        dialog.clear_secret()
        dialog.deleteLater()
        repo = dialog.repository
        if answer is None:
            if request is not None:
                self._finish_publish("Nothing was uploaded: no token was entered.", error=True)
            return
        if request is not None:  # during Publish: keep it only once the server accepted it
            remember = answer.remember and request.keyring.usable
            self._upload(Credential(answer.username, answer.password, "prompt", remember))
            return
        if not answer.remember:
            self._once[repo.upload_url] = Credential(answer.username, answer.password, "prompt")
            self._refresh_credential()
            return
        self._store(repo, answer)

    def _store(self, repo: Repository, answer: PromptAnswer) -> None:
        self.credential_label.setText("Storing the token in the system keyring…")
        username, secret = answer.username, answer.password

        def store(sink: Any, cancel: Any) -> KeyringStatus:
            return store_credential(repo, username, secret, timeout=self.keyring_timeout)

        self._start(
            "store", store,
            on_success=lambda status: self._say(
                f"Stored the {credential_kind(username)} of {username} for {repo.label} in the "
                "system keyring "
                f"({status.backend})."
            ),
            on_failure=lambda error, trace: self._say(self._describe(error, trace), error=True),
            on_finished=self._refresh_credential,
        )  # fmt: skip

    def forget_token(self) -> None:
        """Delete the stored token of the selected index."""
        repo = self.repository()
        if repo is None:
            return
        self._once.pop(repo.upload_url, None)
        from cratewright.core.publish import delete_credential

        self._start(
            "forget",
            lambda sink, cancel: delete_credential(
                repo, self.stored_user, timeout=self.keyring_timeout
            ),
            on_success=lambda user: self._say(
                f"Deleted the {credential_kind(user)} of {user} for {repo.label}."
            ),
            on_failure=lambda error, trace: self._say(self._describe(error, trace), error=True),
            on_finished=self._refresh_credential,
        )  # fmt: skip

    # -- files and checks -------------------------------------------------------------------

    def _artifacts_changed(self) -> None:
        built = [*self.state.wheels, *([self.state.sdist] if self.state.sdist else [])]
        if not built:  # after a restart: what the out dir holds for the current version
            built = [a.path for a in self.state.existing if not a.stale]
        self._files = [*built, *[p for p in self._extra if p not in built]]
        self._fill_table()
        self._run_checks()

    def _clear_results(self) -> None:
        """Upload outcomes belong to one index: another index starts from none."""
        self.result = None
        self._last_failure = None
        self.result_label.setText("")
        self.retry_button.setVisible(False)
        for row in range(self.table.rowCount()):
            self.table.setItem(row, 3, QTableWidgetItem(""))
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("%p %")

    def project_changed(self, overview: ProjectOverview | None) -> None:
        """A new project: forget files added by hand and the last result."""
        self._extra = []
        self.result = None
        self.result_label.setText("")
        self._say("")

    def add_files(self) -> None:
        """Add wheels/sdists from disk (the file chooser is replaceable for tests)."""
        chosen = [p.resolve() for p in self.file_chooser(self) if p]
        self._extra += [p for p in chosen if p not in self._files]
        self._artifacts_changed()

    def remove_selected(self) -> None:
        """Leave the selected files out of this upload (nothing is deleted)."""
        rows = {index.row() for index in self.table.selectedIndexes()}
        gone = {self._files[row] for row in rows}
        self._extra = [p for p in self._extra if p not in gone]
        self._files = [p for p in self._files if p not in gone]
        self._fill_table()
        self._run_checks()

    @property
    def files(self) -> list[Path]:
        """The files that Publish would upload, in table order."""
        return list(self._files)

    def _fill_table(self) -> None:
        self.table.setRowCount(len(self._files))
        for row, path in enumerate(self._files):
            name = QTableWidgetItem(path.name)
            name.setToolTip(str(path))
            self.table.setItem(row, 0, name)
            self.table.setItem(row, 1, QTableWidgetItem(_size(path)))
            self.table.setItem(row, 2, QTableWidgetItem("checking…"))
            self.table.setItem(row, 3, QTableWidgetItem(""))
        older = [a for a in self.state.existing if a.stale and a.path not in self._files]
        if older:
            versions = ", ".join(sorted({a.version for a in older}))
            hint = (f"{len(older)} file(s) of older versions ({versions}) in the out dir are "
                    "left out; add them by hand to upload them.")  # fmt: skip
        elif not self._files:
            hint = ("No files yet: build the project on the Build page, or add existing "
                    "wheels and sdists.")  # fmt: skip
        else:
            hint = ""
        self.empty_hint.setText(hint)
        self.empty_hint.setToolTip("\n".join(a.label() for a in older))
        self._update_buttons()

    def _run_checks(self) -> None:
        files, repo = list(self._files), self.repository()
        self.checks = {}
        if not files or not self._active:
            return
        self._start(
            "checks", lambda sink, cancel: check_distributions(files, repository=repo),
            on_success=self._checks_done,
            on_failure=lambda error, trace: self._say(self._describe(error, trace), error=True),
        )  # fmt: skip

    def _checks_done(self, results: list[FileCheck]) -> None:
        if sorted(r.path for r in results) != sorted(self._files):
            self._stale.add("checks")
            return
        self.checks = {r.path: r for r in results}
        for row, path in enumerate(self._files):
            result = self.checks[path]
            if result.errors:
                text, colour = f"✖ {result.errors[0]}", _ERROR
            elif result.warnings:
                text, colour = f"⚠ {result.summary}", _WARN
            else:
                text, colour = "✔ passed", _OK
            item = QTableWidgetItem(text)
            item.setForeground(QBrush(colour))
            item.setToolTip("\n".join([*result.errors, *result.warnings]) or "passed")
            self.table.setItem(row, 2, item)
        if not self.table.selectedIndexes():
            self.table.selectRow(0)
        self._show_details()
        self._update_buttons()

    def _show_details(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()})
        if not rows or self._files[rows[0]] not in self.checks:
            self.details.setText("")
            return
        result = self.checks[self._files[rows[0]]]
        lines = [f"✖ {e}" for e in result.errors] + [f"⚠ {w}" for w in result.warnings]
        self.details.setText("\n".join(lines) or f"{result.path.name}: all checks passed.")

    # -- publishing -------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """True while a credential lookup or an upload for Publish is running."""
        return "publish" in self._tasks or "resolve" in self._tasks

    def _update_buttons(self) -> None:
        ready = (
            bool(self._files)
            and self.repository() is not None
            and len(self.checks) == len(self._files)
            and all(c.ok for c in self.checks.values())
            and (self.transport_problem() is None or self.allow_insecure.isChecked())
        )
        self.publish_button.setEnabled(ready and not self.busy)
        self.cancel_button.setEnabled("publish" in self._tasks)
        self.remove_button.setEnabled(bool(self._files) and not self.busy)
        self.forget_button.setEnabled(bool(self.stored_user) and not self.busy)
        self.token_button.setEnabled(self.repository() is not None and not self.busy)

    def _identity(self) -> tuple[str, str]:
        pairs = sorted({(c.name or "?", c.version or "?") for c in self.checks.values()})
        if len(pairs) == 1:
            return pairs[0]
        if self.state.overview is not None:
            return self.state.overview.name, self.state.overview.version
        return ", ".join(p[0] for p in pairs), ", ".join(p[1] for p in pairs)

    def publish(self) -> None:
        """Publish button: confirm for PyPI, then find the credential, then upload."""
        repo = self.repository()
        if repo is None or self.busy or not self._files:
            return
        self.retry_button.setVisible(False)
        if repo.is_pypi:
            project, version = self._identity()
            dialog = PublishConfirmDialog(repo, project, version, self._files, self)
            dialog.finished.connect(lambda code: self._confirmed(dialog, code))
            self._open(dialog)
            return
        self._resolve()

    def _confirmed(self, dialog: QDialog, code: int) -> None:
        self.active_dialog = None
        dialog.deleteLater()
        if code == QDialog.DialogCode.Accepted:
            self._resolve()
        else:
            self._say("Nothing was uploaded.")

    def _resolve(self) -> None:
        repo = self.repository()
        if repo is None:
            return
        self.result = None
        self.result_label.setText("")
        once = self._once.pop(repo.upload_url, None)
        if once is not None:
            self._upload(once)
            return
        self._say("Looking for the token…")

        def find(sink: Any, cancel: Any) -> Credential | CredentialRequest:
            return find_credential(repo, timeout=self.keyring_timeout, sink=sink)

        self._start(
            "resolve", find, on_success=self._resolved,
            on_failure=lambda error, trace: self._finish_publish(
                self._describe(error, trace), error=True
            ),
        )  # fmt: skip
        self._update_buttons()

    def _resolved(self, found: Credential | CredentialRequest) -> None:
        if isinstance(found, Credential):
            self._upload(found)
        else:
            self._say(f"{found.reason}; enter the token to continue.")
            self.open_token_dialog(found)

    def _upload(self, credential: Credential, *, skip_existing: bool | None = None) -> None:
        repo = self.repository()
        if repo is None:
            return
        files = list(self._files)
        skip = self.skip_existing.isChecked() if skip_existing is None else skip_existing
        allow_insecure = self.allow_insecure.isChecked()
        for row in range(len(files)):
            self.table.setItem(row, 3, QTableWidgetItem("waiting"))
        self.progress.setRange(0, 1000 * len(files))
        self.progress.setValue(0)
        self._sent = set()
        self.progress.setFormat(f"0 of {len(files)} files sent · %p %")
        self._say(f"Uploading {len(files)} file(s) to {repo.label}…")
        self._upload_started = time.monotonic()
        self._upload_label = f"an upload of {len(files)} file(s) to {repo.label}"

        def upload(sink: Any, cancel: Any) -> UploadResult:
            return publish_files(
                files, repo, credential=credential, skip_existing=skip,
                allow_insecure_http=allow_insecure, keyring_timeout=self.keyring_timeout,
                sink=sink, cancel=cancel,
            )  # fmt: skip

        self._start(
            "publish", upload, on_events=self._on_events, on_success=self._uploaded,
            on_failure=self._upload_failed,
        )  # fmt: skip
        self._update_buttons()

    def _row_of(self, name: str) -> int:
        for row, path in enumerate(self._files):
            if path.name == name:
                return row
        return -1

    def _on_events(self, events: list[Event]) -> None:
        for event in events:
            if isinstance(event, Progress):
                row = self._row_of(event.detail)
                if row < 0 or not event.total:
                    continue
                percent = 100 * event.current // event.total
                label = f"{percent} %" if percent < 100 else "sent, waiting for the index"
                self.table.setItem(row, 3, QTableWidgetItem(label))
                if event.current >= event.total:
                    self._sent.add(event.detail)
                self._show_upload_progress(row, event.current / event.total)
            elif isinstance(event, Status):
                self._say(event.text + "…")
            elif isinstance(event, Message) and event.level == "warning":
                self._say(event.text)

    def _show_upload_progress(self, row: int, fraction: float) -> None:
        """Files fully sent count whole; the file being sent counts by its bytes."""
        count = len(self._files)
        done = len(self._sent)
        partial = 0.0 if self._files[row].name in self._sent else fraction
        self.progress.setValue(min(int(1000 * (done + partial)), 1000 * count))
        self.progress.setFormat(f"{done} of {count} files sent · %p %")

    def _show_outcomes(self, result: UploadResult) -> None:
        labels = {
            "uploaded": ("✔ uploaded", _OK), "skipped": ("⏭ already there", _WARN),
            "failed": ("✖ failed", _ERROR), "not uploaded": ("not uploaded", None),
        }  # fmt: skip
        for outcome in result.files:
            row = self._row_of(outcome.path.name)
            if row < 0:
                continue
            text, colour = labels[outcome.status]
            item = QTableWidgetItem(text)
            if colour is not None:
                item.setForeground(QBrush(colour))
            if outcome.detail:
                item.setToolTip(outcome.detail)
            self.table.setItem(row, 3, item)

    def _uploaded(self, result: UploadResult) -> None:
        self.result = result
        self._show_outcomes(result)
        self.progress.setValue(self.progress.maximum())
        self.progress.setFormat(f"{len(self._files)} of {len(self._files)} files on the index")
        links = " ".join(
            f'<a href="{html.escape(u)}">{html.escape(u)}</a>' for u in result.project_urls
        )
        self.result_label.setText(f"See the project on {result.repository.label}: {links}")
        summary = f"Uploaded {len(result.uploaded)} file(s) to {result.repository.label}"
        if result.skipped:
            summary += f"; {len(result.skipped)} were already there"
        self._finish_publish(summary + ".")
        self._refresh_credential()

    def _upload_failed(self, error: BaseException, trace: str) -> None:
        if isinstance(error, UploadFailed):
            self._last_failure = error
            self._show_outcomes(error.result)
            self.retry_button.setVisible(error.kind in ("network", "server"))
            if error.kind == "auth":
                self.token_button.setText("Update token…")
            went = [o for o in error.result.files if o.status in ("uploaded", "skipped")]
            self._sent = {o.path.name for o in went}
            self.progress.setValue(1000 * len(went))
            self.progress.setFormat(f"{len(went)} of {len(self._files)} files on the index")
        else:
            self.progress.setValue(1000 * len(self._sent))
        text = self._describe(error, trace)
        if isinstance(error, UploadFailed) and error.kind in _GUI_HINTS:
            text = f"{error.message}\n  hint: {_GUI_HINTS[error.kind]}"
        self._finish_publish(text, error=True)

    def _retry(self) -> None:
        """After a network/server failure: upload again, skipping what already went."""
        self.retry_button.setVisible(False)
        self.skip_existing.setChecked(True)
        self._resolve()

    def cancel(self) -> None:
        """Stop the upload (between files, or aborting the file being sent)."""
        task = self._tasks.get("publish")
        if task is not None:
            task.cancel()

    def _finish_publish(self, text: str, *, error: bool = False) -> None:
        self._say(text, error=error)
        self.state.status.emit(status_line(text))
        self._update_buttons()

    def show_message_details(self) -> QDialog:
        """The whole last message (a server's long answer included), selectable."""
        box = QMessageBox(QMessageBox.Icon.Information, "Publish", status_line(self._full_message),
                          QMessageBox.StandardButton.Close, self)  # fmt: skip
        box.setDetailedText(self._full_message)
        self._open(box)
        return box

    # -- helpers ----------------------------------------------------------------------------

    def _open(self, dialog: QDialog) -> None:
        self.active_dialog = dialog
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.open()

    def _say(self, text: str, *, error: bool = False) -> None:
        self._full_message = text
        lines = text.splitlines()
        shown = "\n".join(lines[:2])
        if len(shown) > 300:
            shown = status_line(shown, 300)
        self.message.setText(shown)
        self.message.setToolTip(text if shown != text else "")
        self.message_details.setEnabled(shown != text)
        palette = self.message.palette()
        if error:
            palette.setColor(self.message.foregroundRole(), _ERROR)
        else:
            palette = self.palette()
        self.message.setPalette(palette)

    @staticmethod
    def _describe(error: BaseException, trace: str) -> str:
        if isinstance(error, CratewrightError):
            return str(error)
        return f"Internal error: {type(error).__name__}: {error}"

    def wait_idle(self, timeout_ms: int = 60_000) -> None:
        """Block until every running job finished and delivered its result (tests, shots)."""
        for _ in range(10):
            tasks = list(self._tasks.values())
            if not tasks:
                return
            for task in tasks:
                task.wait(timeout_ms)

    def prepare_screenshot(self) -> None:
        """Finish the keyring lookup and the checks so the shot shows real results."""
        self._activate()
        self.wait_idle()

    def running_jobs(self) -> list[RunningJob]:
        """The upload, while it runs."""
        if "publish" not in self._tasks:
            return []
        return [RunningJob(self._upload_label, time.monotonic() - self._upload_started)]

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Cancel an upload and wait for every job (window closing)."""
        self.cancel()
        for task in list(self._tasks.values()):
            task.wait(timeout_ms)
