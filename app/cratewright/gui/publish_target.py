"""The Publish page's target: the index (TestPyPI, PyPI, .pypirc, a URL) and its transport check.

A part of :class:`~cratewright.gui.pages.publish_page.PublishPage` (mixed into it): the form at
the top of the page, the repository list and the plain-http pre-flight (the core's rule).
"""

from __future__ import annotations

import os

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
)

from cratewright.core.publish import (
    Repository,
    insecure_transport_problem,
    list_repositories,
    repository_from_url,
)
from cratewright.errors import CratewrightError
from cratewright.gui.publish_text import ERROR
from cratewright.gui.settings import app_settings

_CUSTOM = "custom"


class PublishTarget:
    """The "Where to publish" part of the Publish page."""

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
        self.insecure_label.setStyleSheet(f"color: {ERROR.name()}")
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
