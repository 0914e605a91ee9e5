"""File ▸ New Project…: a wizard that ends in a project that builds, opened in the window.

Pages: name and location -> bindings -> layout (with a preview of the files) -> options.
Every check and every file comes from ``core.templates`` (the same as ``cratewright new``);
the wizard only collects choices. Nothing is written until Create, and the core's writer
leaves no half project behind when Create fails.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from cratewright.core.templates import (
    ABI3_MINIMUMS,
    BINDING_DESCRIPTIONS,
    BINDINGS,
    DEFAULT_ABI3_MINIMUM,
    LAYOUT_DESCRIPTIONS,
    LAYOUTS,
    Mode,
    NewProjectOptions,
    check_name,
    plan_project,
    target_problem,
    validate_options,
    write_project,
)
from cratewright.errors import CratewrightError

__all__ = ["NewProjectWizard"]

_OK = "✔"
_BAD = "✘"
_LAYOUT_TITLES = {
    "pure": "Pure Rust",
    "mixed": "Mixed Rust/Python",
    "mixed-src": "Mixed, src layout",
}


def _verdict(label: QLabel, what: str, problem: str | None, ok_text: str = "") -> None:
    label.setText(f"{_BAD} {problem}" if problem else f"{_OK} {what}{ok_text}")
    label.setProperty("problem", bool(problem))


class _NamePage(QWizardPage):
    """The project's name (checked as crate, PyPI and module name) and where it goes."""

    def __init__(self, wizard: NewProjectWizard) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.setTitle("Name and location")
        self.setSubTitle("The name is the crate's, the PyPI distribution's and (with _ for -) "
                         "the Python module's.")  # fmt: skip
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("new-project-name")
        self.name_edit.setPlaceholderText("my-project")
        self.location_edit = QLineEdit(str(Path.home()), self)
        self.location_edit.setObjectName("new-project-location")
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._browse)
        self.in_place = QCheckBox("Put the project directly into this folder (like `init`)", self)
        location_row = QHBoxLayout()
        location_row.addWidget(self.location_edit, 1)
        location_row.addWidget(browse)
        self.crate_check = QLabel(self)
        self.pypi_check = QLabel(self)
        self.module_check = QLabel(self)
        self.target_check = QLabel(self)
        for label in (self.crate_check, self.pypi_check, self.module_check, self.target_check):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form = QFormLayout(self)
        form.addRow("&Name:", self.name_edit)
        location_label = QLabel("&Location:", self)
        location_label.setBuddy(self.location_edit)
        form.addRow(location_label, location_row)
        form.addRow("", self.in_place)
        form.addRow("cargo:", self.crate_check)
        form.addRow("PyPI:", self.pypi_check)
        form.addRow("Python:", self.module_check)
        form.addRow("Folder:", self.target_check)
        self.name_edit.textChanged.connect(self._changed)
        self.location_edit.textChanged.connect(self._changed)
        self.in_place.toggled.connect(self._changed)
        # The folder may change behind the wizard's back (a file manager, a terminal): look
        # again every second while this page is shown, so the verdict is always current.
        self._recheck = QTimer(self)
        self._recheck.setInterval(1000)
        self._recheck.timeout.connect(self._changed)
        self._changed()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._recheck.start()

    def hideEvent(self, event: QHideEvent) -> None:
        self._recheck.stop()
        super().hideEvent(event)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Where the project goes", self.location)
        if folder:
            self.location_edit.setText(folder)

    @property
    def name(self) -> str:
        return self.name_edit.text().strip()

    @property
    def location(self) -> str:
        return self.location_edit.text().strip()

    @property
    def mode(self) -> Mode:
        return "init" if self.in_place.isChecked() else "new"

    @property
    def target(self) -> Path:
        base = Path(self.location).expanduser()
        return base if self.mode == "init" else base / (self.name or "?")

    def _changed(self) -> None:
        check = check_name(self.name)
        _verdict(self.crate_check, "valid crate name", check.crate_problem)
        _verdict(self.pypi_check, "valid PyPI name", check.pypi_problem)
        module_ok = f" (import {check.module})" if check.module else ""
        _verdict(self.module_check, "valid module name", check.module_problem, module_ok)
        problem = "choose a folder" if not self.location else None
        if problem is None and not Path(self.location).expanduser().is_absolute():
            problem = "the location must be an absolute path"
        if problem is None:
            problem = target_problem(self.target, self.mode)
        _verdict(self.target_check, "will be written to", problem, f" {self.target}")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        problem_labels = (self.crate_check, self.pypi_check, self.module_check, self.target_check)
        return bool(self.name) and not any(lbl.property("problem") for lbl in problem_labels)


class _ChoicePage(QWizardPage):
    """A page of radio buttons, each with a line saying what it means."""

    def __init__(self, wizard: NewProjectWizard, title: str, subtitle: str) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        self.details: dict[str, QLabel] = {}
        self.column = QVBoxLayout(self)

    def add_choice(self, key: str, title: str) -> None:
        button = QRadioButton(title, self)
        button.setObjectName(f"choice-{key}")
        detail = QLabel(self)
        detail.setWordWrap(True)
        detail.setContentsMargins(24, 0, 0, 6)
        detail.setTextFormat(Qt.TextFormat.PlainText)
        self.group.addButton(button)
        self.buttons[key] = button
        self.details[key] = detail
        self.column.addWidget(button)
        self.column.addWidget(detail)
        if len(self.buttons) == 1:
            button.setChecked(True)

    @property
    def choice(self) -> str:
        return next(key for key, button in self.buttons.items() if button.isChecked())

    def choose(self, key: str) -> None:
        self.buttons[key].setChecked(True)


class _BindingsPage(_ChoicePage):
    def __init__(self, wizard: NewProjectWizard) -> None:
        super().__init__(wizard, "Bindings", "How Python talks to the Rust code.")
        for kind in BINDINGS:
            self.add_choice(kind, kind)
        self.column.addStretch(1)

    def initializePage(self) -> None:
        name = self._wizard.name_page.name
        module = check_name(name).module
        for kind, label in self.details.items():
            label.setText(BINDING_DESCRIPTIONS[kind].format(module=module, name=name))


class _LayoutPage(_ChoicePage):
    def __init__(self, wizard: NewProjectWizard) -> None:
        super().__init__(wizard, "Layout", "Where the Rust and the Python code live.")
        for layout in LAYOUTS:
            self.add_choice(layout, _LAYOUT_TITLES[layout])
            self.details[layout].setText(LAYOUT_DESCRIPTIONS[layout])
        self.preview = QTreeWidget(self)
        self.preview.setObjectName("new-project-preview")
        self.preview.setHeaderLabels(["Files that Create will write"])
        self.preview.setMinimumHeight(150)
        self.column.addWidget(self.preview, 1)
        self.group.buttonToggled.connect(lambda *_: self.refresh_preview())

    def initializePage(self) -> None:
        self.refresh_preview()

    def refresh_preview(self) -> None:
        """The file tree of the core's plan for the choices made so far."""
        self.preview.clear()
        try:
            files = plan_project(self._wizard.options())
        except CratewrightError as exc:
            QTreeWidgetItem(self.preview, [str(exc)])
            return
        folders: dict[PurePosixPath, QTreeWidgetItem] = {}
        root = QTreeWidgetItem(self.preview, [f"{self._wizard.name_page.target.name}/"])
        folders[PurePosixPath(".")] = root
        for relative in files:
            path = PurePosixPath(relative)
            parent = root
            for depth in range(1, len(path.parts)):
                folder = PurePosixPath(*path.parts[:depth])
                if folder not in folders:
                    folders[folder] = QTreeWidgetItem(parent, [f"{path.parts[depth - 1]}/"])
                parent = folders[folder]
            QTreeWidgetItem(parent, [path.name])
        self.preview.expandAll()

    def files_shown(self) -> list[str]:
        """Every line of the preview, indented by depth (for tests and screenshots)."""
        lines: list[str] = []

        def walk(item: QTreeWidgetItem, depth: int) -> None:
            lines.append("  " * depth + item.text(0))
            for index in range(item.childCount()):
                walk(item.child(index), depth + 1)

        for index in range(self.preview.topLevelItemCount()):
            walk(self.preview.topLevelItem(index), 0)
        return lines


class _OptionsPage(QWizardPage):
    def __init__(self, wizard: NewProjectWizard) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.setTitle("Options")
        self.setSubTitle("All optional; each can be changed later in the project's files.")
        self.abi3 = QCheckBox("One abi3 wheel for every CPython from:", self)
        self.abi3_minimum = QComboBox(self)
        for major, minor in ABI3_MINIMUMS:
            self.abi3_minimum.addItem(f"{major}.{minor}", (major, minor))
        self.abi3_minimum.setCurrentIndex(ABI3_MINIMUMS.index(DEFAULT_ABI3_MINIMUM))
        self.abi3_note = QLabel(self)
        self.abi3_note.setWordWrap(True)
        abi3_row = QHBoxLayout()
        abi3_row.addWidget(self.abi3)
        abi3_row.addWidget(self.abi3_minimum)
        abi3_row.addStretch(1)
        self.license = QLineEdit(self)
        self.license.setObjectName("new-project-license")
        self.license.setPlaceholderText("SPDX expression, e.g. MIT or MIT OR Apache-2.0")
        self.author = QLineEdit(self)
        self.author.setPlaceholderText("Name <email>")
        self.backend = QComboBox(self)
        self.backend.addItem("maturin (builds anywhere with pip)", "maturin")
        self.backend.addItem("cratewright", "cratewright")
        self.git = QCheckBox("Make a git repository", self)
        self.git.setChecked(True)
        self.ci = QCheckBox("GitHub Actions release workflow (.github/workflows/CI.yml)", self)
        self.ci.setToolTip("What `cratewright generate-ci github` writes: wheels for every "
                           "platform, published to PyPI on a tag")  # fmt: skip
        self.ci.setChecked(True)
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.problem.setObjectName("new-project-problem")
        form = QFormLayout(self)
        form.addRow("abi3:", abi3_row)
        form.addRow("", self.abi3_note)
        form.addRow("&License:", self.license)
        form.addRow("&Author:", self.author)
        form.addRow("Build backend:", self.backend)
        form.addRow("", self.git)
        form.addRow("", self.ci)
        form.addRow("", self.problem)
        for signal in (self.abi3.toggled, self.license.textChanged, self.author.textChanged):
            signal.connect(self._changed)

    def initializePage(self) -> None:
        is_pyo3 = self._wizard.bindings_page.choice == "pyo3"
        self.abi3.setEnabled(is_pyo3)
        if not is_pyo3:
            self.abi3.setChecked(False)
        self.abi3_note.setText(
            "The stable ABI: one wheel instead of one per Python version."
            if is_pyo3
            else "abi3 is a pyo3 feature; these bindings make one wheel per platform anyway."
        )
        self._changed()

    def _changed(self) -> None:
        self.abi3_minimum.setEnabled(self.abi3.isChecked())
        try:
            validate_options(self._wizard.options())
        except CratewrightError as exc:
            self.problem.setText(f"{_BAD} {exc}")
        else:
            self.problem.setText("")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self.problem.text()


class NewProjectWizard(QWizard):
    """The New Project wizard. Signal ``created(Path)`` once the project is on disk."""

    created = Signal(Path)

    def __init__(self, parent: QWidget | None = None, *, location: Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("new-project-wizard")
        self.setWindowTitle("New Project")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.FinishButton, "Create")
        self.name_page = _NamePage(self)
        if location is not None:
            self.name_page.location_edit.setText(str(location))
        self.bindings_page = _BindingsPage(self)
        self.layout_page = _LayoutPage(self)
        self.options_page = _OptionsPage(self)
        for page in (self.name_page, self.bindings_page, self.layout_page, self.options_page):
            self.addPage(page)
        self.resize(720, 560)

    def options(self) -> NewProjectOptions:
        """The choices on every page so far, as the core's options."""
        options_page = self.options_page
        abi3 = options_page.abi3.isChecked() and self.bindings_page.choice == "pyo3"
        return NewProjectOptions(
            name=self.name_page.name,
            bindings=self.bindings_page.choice,  # type: ignore[arg-type]
            layout=self.layout_page.choice,  # type: ignore[arg-type]
            abi3_minimum=options_page.abi3_minimum.currentData() if abi3 else None,
            license=options_page.license.text().strip(),
            author=options_page.author.text().strip(),
            backend=options_page.backend.currentData(),
            vcs="git" if options_page.git.isChecked() else "none",
            ci=options_page.ci.isChecked(),
        )

    def accept(self) -> None:
        """Create: plan and write the project; on failure say why and stay open."""
        target = self.name_page.target
        try:
            files = plan_project(self.options())
            write_project(target, files, mode=self.name_page.mode, vcs=self.options().vcs)
        except CratewrightError as exc:
            QMessageBox.critical(
                self, "The project was not created", f"{exc}\n\nNothing was written."
            )
            return
        super().accept()
        self.created.emit(target)
