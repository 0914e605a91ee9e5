"""The Publish page's upload: confirm, find the credential, send with progress, show outcomes.

A part of :class:`~cratewright.gui.pages.publish_page.PublishPage` (mixed into it), kept apart
because it is the page's longest flow; the core's ``publish_files`` does the work in a worker.
"""

from __future__ import annotations

import html
import time
from typing import Any

from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QDialog,
    QTableWidgetItem,
)

from cratewright.core.publish import (
    Credential,
    CredentialRequest,
    UploadFailed,
    UploadResult,
    find_credential,
    publish_files,
)
from cratewright.events import Event, Message, Progress, Status
from cratewright.gui.publish_confirm_dialog import PublishConfirmDialog
from cratewright.gui.publish_text import ERROR, OK, WARN, status_line

_GUI_HINTS = {
    "exists": "bump the version to publish new files, or tick “Skip files that are already "
    "on the index”",
    "auth": "press “Update token…” and paste a valid token",
    "network": "check that the index is reachable, then press Retry; files already there "
    "are skipped",
    "server": "press Retry later; files already there are skipped",
}


class PublishUpload:
    """The upload side of the Publish page."""

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
        self.progress.setTextVisible(True)
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
            "uploaded": ("✔ uploaded", OK), "skipped": ("⏭ already there", WARN),
            "failed": ("✖ failed", ERROR), "not uploaded": ("not uploaded", None),
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
