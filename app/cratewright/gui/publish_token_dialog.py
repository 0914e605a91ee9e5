"""The token dialog: username and a masked token, kept in the system keyring when possible.

It only collects input; storing happens in a worker (keyring calls can hang). When the
keyring cannot be used the dialog says why and offers the token for this upload only.
The dialog is opened with ``open()`` (window-modal, non-blocking) so tests can fill it in.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from cratewright.core.publish import KeyringStatus, PromptAnswer, Repository

__all__ = ["PublishTokenDialog"]


class PublishTokenDialog(QDialog):
    """Ask for the credential of one repository."""

    def __init__(
        self,
        repository: Repository,
        *,
        username: str | None,
        keyring: KeyringStatus,
        reason: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("publish-token-dialog")
        self.repository = repository
        token_word = "API token" if repository.uses_tokens else "password"
        self.setWindowTitle(f"{token_word[0].upper()}{token_word[1:]} for {repository.label}")
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        intro = QLabel(self)
        intro.setWordWrap(True)
        text = f"Uploads to <b>{repository.label}</b> (<code>{repository.upload_url}</code>)."
        if reason:
            text = f"{reason}.<br>{text}"
        if repository.uses_tokens:
            text += (
                "<br>Create a token in your account settings on the index; the username is "
                "<code>__token__</code>."
            )
        intro.setText(text)
        layout.addWidget(intro)
        form = QFormLayout()
        self.username = QLineEdit(username or "", self)
        self.username.setObjectName("token-username")
        self.token = QLineEdit(self)
        self.token.setObjectName("token-secret")
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText("pypi-…" if repository.uses_tokens else "")
        form.addRow("Username:", self.username)
        form.addRow(f"{token_word[0].upper()}{token_word[1:]}:", self.token)
        layout.addLayout(form)
        self.remember = QCheckBox("Keep it in the system keyring", self)
        self.remember.setObjectName("token-remember")
        self.remember.setChecked(keyring.usable)
        self.remember.setEnabled(keyring.usable)
        layout.addWidget(self.remember)
        note = QLabel(self)
        note.setWordWrap(True)
        if keyring.usable:
            note.setText(
                f"Stored by {keyring.backend} under the upload URL, where command-line twine "
                "finds it too. It is never written anywhere else."
            )
        else:
            note.setText(
                f"<b>No secure keyring:</b> {keyring.reason}. The {token_word} will be used for "
                "this upload only and then forgotten."
            )
        layout.addWidget(note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.username.textChanged.connect(self._update_ok)
        self.token.textChanged.connect(self._update_ok)
        self._update_ok()
        (self.token if username else self.username).setFocus()

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.username.text().strip() and self.token.text().strip()))

    def answer(self) -> PromptAnswer | None:
        """What was entered (None when a field is empty)."""
        username, token = self.username.text().strip(), self.token.text().strip()
        if not username or not token:
            return None
        return PromptAnswer(username, token, remember=self.remember.isChecked())

    def clear_secret(self) -> None:
        """Forget the typed secret (called once the answer was taken)."""
        self.token.clear()
