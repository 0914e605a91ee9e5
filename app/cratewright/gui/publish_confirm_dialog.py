"""The confirmation before a real PyPI upload: it names the project, version and files.

Files on PyPI are public and permanent (a version can never be uploaded twice, even after
deleting it), so the default button is Cancel and the accept button repeats what will
happen. Opened with ``open()`` so it never blocks the event loop (and tests can answer it).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cratewright.core.publish import Repository

__all__ = ["PublishConfirmDialog"]


class PublishConfirmDialog(QDialog):
    """ "Publish NAME VERSION to PyPI?" with Cancel as the default."""

    def __init__(
        self,
        repository: Repository,
        project: str,
        version: str,
        files: Sequence[Path],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("publish-confirm-dialog")
        self.setWindowTitle(f"Publish to {repository.label}?")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        names = "".join(f"<li><code>{p.name}</code></li>" for p in files)
        self.text = QLabel(
            f"<p>Publish <b>{project} {version}</b> to <b>{repository.label}</b>?</p>"
            f"<ul>{names}</ul>"
            f"<p>Files on {repository.label} are public and permanent: version {version} of "
            f"{project} can never be uploaded again, not even after deleting it. Try TestPyPI "
            "first if unsure.</p>",
            self,
        )
        self.text.setWordWrap(True)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(self)
        self.publish_button = QPushButton(f"Publish {project} {version}", self)
        self.publish_button.setObjectName("confirm-publish")
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton(self.publish_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.publish_button.setAutoDefault(False)
        self.cancel_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
