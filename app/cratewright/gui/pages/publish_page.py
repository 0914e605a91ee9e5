"""The Publish page: pick the index, see the files and their checks, upload with progress.

TestPyPI is selected by default; PyPI needs a confirmation naming project and version.
Every keyring call and every network call runs in a worker (``run_task``) and the keyring
calls carry a timeout, so a locked keyring or a dead server never freezes the window.
Tokens live in the keyring, or (when there is no secure keyring) in memory for one upload;
never in QSettings, the log or the status bar. Dialogs are opened with ``open()`` and kept
in :attr:`PublishPage.active_dialog`, so tests can answer them without a nested event loop.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cratewright.core.publish import (
    KEYRING_TIMEOUT,
    Credential,
    FileCheck,
    KeyringStatus,
    Repository,
    UploadFailed,
    UploadResult,
)
from cratewright.errors import CratewrightError
from cratewright.gui.page import Page, RunningJob
from cratewright.gui.publish_credentials import PublishCredentials
from cratewright.gui.publish_files import FileChooser, PublishFiles, choose_files
from cratewright.gui.publish_release import ReleaseChecklist
from cratewright.gui.publish_target import PublishTarget
from cratewright.gui.publish_text import ERROR, status_line
from cratewright.gui.publish_upload import PublishUpload
from cratewright.gui.state import AppState
from cratewright.gui.workers import Task, run_task

__all__ = ["PublishPage"]


class PublishPage(PublishTarget, PublishCredentials, PublishFiles, PublishUpload, Page):
    """Upload the last build (or chosen files) to TestPyPI, PyPI or another index."""

    page_id = "publish"
    title = "Publish"

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(state, parent)
        self.file_chooser: FileChooser = choose_files
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

        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("publish-tabs")
        outer.addWidget(self.tabs)
        upload = QWidget(self.tabs)
        layout = QVBoxLayout(upload)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(10)
        self.tabs.addTab(upload, "&Upload files")
        # the release path as a checklist (core.release): bump ... promote
        self.release = ReleaseChecklist(state, self.tabs)
        self.tabs.addTab(self.release, "&Release checklist")
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
        self.message_details.hide()
        policy = self.message_details.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # its place is kept: nothing moves
        self.message_details.setSizePolicy(policy)
        self._full_message = ""
        message_row.addWidget(self.message, 1)
        message_row.addWidget(self.message_details, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(message_row)
        self.result_label = QLabel("", self)
        self.result_label.setObjectName("publish-result")
        self.result_label.setOpenExternalLinks(True)
        self.result_label.setWordWrap(True)
        self.result_label.setMinimumHeight(self.fontMetrics().lineSpacing() + 4)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        layout.addWidget(self.result_label)

        self._fill_repositories()
        state.artifacts_changed.connect(self._artifacts_changed)
        self._artifacts_changed()

    # -- widgets ----------------------------------------------------------------------------

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
        self.progress.setTextVisible(False)  # no "0 %" before any upload
        row.addWidget(self.publish_button)
        row.addWidget(self.cancel_button)
        row.addWidget(self.retry_button)
        row.addWidget(self.progress, 1)
        return row

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
        self.message_details.setVisible(shown != text)
        palette = self.message.palette()
        if error:
            palette.setColor(self.message.foregroundRole(), ERROR)
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
        """The upload, or a release step, while it runs."""
        jobs = []
        if "publish" in self._tasks:
            jobs.append(RunningJob(self._upload_label, time.monotonic() - self._upload_started))
        if self.release.busy:
            jobs.append(RunningJob("a release step", time.monotonic() - self.release.started))
        return jobs

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Cancel an upload and wait for every job (window closing)."""
        self.cancel()
        self.release.stop()
        for task in list(self._tasks.values()):
            task.wait(timeout_ms)
        self.release.wait_idle(timeout_ms)
