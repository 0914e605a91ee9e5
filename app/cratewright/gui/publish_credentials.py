"""The Publish page's credential: what the keyring holds for the index, setting and forgetting it.

A part of :class:`~cratewright.gui.pages.publish_page.PublishPage` (mixed into it). Every keyring
call runs in a worker with a timeout; tokens never go to QSettings, the log or the status bar.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialog,
)

from cratewright.core.publish import (
    Credential,
    CredentialRequest,
    KeyringStatus,
    PromptAnswer,
    Repository,
    keyring_status,
    store_credential,
    stored_username,
)
from cratewright.gui.publish_text import credential_kind
from cratewright.gui.publish_token_dialog import PublishTokenDialog


class PublishCredentials:
    """The keyring side of the Publish page."""

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
