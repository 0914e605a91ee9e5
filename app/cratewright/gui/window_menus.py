"""The main window's menus and shortcuts, and the actions they start on the pages.

A part of :class:`~cratewright.gui.main_window.MainWindow` (mixed into it); each action only
calls a page or the window, so the menus never hold state of their own.
"""

from __future__ import annotations

from PySide6.QtGui import (
    QAction,
    QKeySequence,
)

from cratewright import __version__
from cratewright.gui.page_list import PAGES
from cratewright.gui.settings import recent_projects


class WindowMenus:
    """The menus and shortcuts of the main window."""

    # -- menus and shortcuts ----------------------------------------------------------------

    def _create_actions(self) -> None:
        # ``setShortcuts``, never ``setShortcut``: PySide6 resolves the latter's overloads
        # through ``Qt.Key``, which builds the whole ``Qt`` namespace before the first frame
        # (see gui/qt_properties.py); a standard key also gets all of its platform's bindings.
        file_menu = self.menuBar().addMenu("&File")
        self.new_action = QAction("&New Project…", self)
        self.new_action.setShortcuts(QKeySequence.StandardKey.New)
        self.new_action.triggered.connect(self.new_project)
        file_menu.addAction(self.new_action)
        self.open_action = QAction("&Open Project…", self)
        self.open_action.setShortcuts(QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self.choose_project)
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self.reload_action = QAction("&Reload Project", self)
        self.reload_action.setShortcuts(QKeySequence.StandardKey.Refresh)
        self.reload_action.triggered.connect(self.reload_project)
        file_menu.addAction(self.reload_action)
        file_menu.addSeparator()
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcuts(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.quit_action)

        edit_menu = self.menuBar().addMenu("&Edit")
        self.undo_action = QAction("&Undo", self)
        self.undo_action.setShortcuts(QKeySequence.StandardKey.Undo)
        self.undo_action.triggered.connect(lambda: self._metadata_do("undo"))
        self.redo_action = QAction("&Redo", self)
        self.redo_action.setShortcuts(
            [QKeySequence(QKeySequence.StandardKey.Redo), QKeySequence("Ctrl+Y")]
        )
        self.redo_action.triggered.connect(lambda: self._metadata_do("redo"))
        self.save_action = QAction("&Save Metadata…", self)
        self.save_action.setShortcuts(QKeySequence.StandardKey.Save)
        self.save_action.triggered.connect(lambda: self._metadata_do("save"))
        for action in (self.undo_action, self.redo_action, self.save_action):
            edit_menu.addAction(action)

        build_menu = self.menuBar().addMenu("&Build")
        self.build_action = QAction("&Build Wheels", self)
        self.build_action.setShortcuts([QKeySequence("Ctrl+B")])
        self.build_action.triggered.connect(self._build_from_menu)
        self.cancel_action = QAction("&Cancel Build", self)
        self.cancel_action.setShortcuts([QKeySequence("Ctrl+.")])
        self.cancel_action.triggered.connect(self._cancel_build)
        self.sdist_action = QAction("Build &Sdist and a Wheel From It", self)
        self.sdist_action.triggered.connect(lambda: self._sdist_panel_do("verify"))
        self.develop_action = QAction("&Develop into an Environment", self)
        self.develop_action.triggered.connect(lambda: self._sdist_panel_do("develop"))
        self.publish_action = QAction("&Publish…", self)
        self.publish_action.setShortcuts([QKeySequence("Ctrl+Shift+P")])
        self.publish_action.triggered.connect(self._publish_from_menu)
        build_menu.addAction(self.build_action)
        build_menu.addAction(self.cancel_action)
        build_menu.addSeparator()
        build_menu.addAction(self.sdist_action)
        build_menu.addAction(self.develop_action)
        build_menu.addSeparator()
        build_menu.addAction(self.publish_action)

        go_menu = self.menuBar().addMenu("&Go")
        self.go_actions: list[QAction] = []
        for index, (page_id, title, _module, _class) in enumerate(PAGES):
            action = QAction(title.replace("&", "&&"), self)  # a lone & would be a mnemonic
            action.setShortcuts([QKeySequence(f"Alt+{index + 1}")])
            action.triggered.connect(lambda _=False, pid=page_id: self.show_page(pid))
            go_menu.addAction(action)
            self.go_actions.append(action)
        go_menu.addSeparator()
        self.focus_navigation_action = QAction("Page &List", self)
        self.focus_navigation_action.setShortcuts([QKeySequence("Ctrl+L")])
        self.focus_navigation_action.triggered.connect(self.focus_navigation)
        go_menu.addAction(self.focus_navigation_action)

        help_menu = self.menuBar().addMenu("&Help")
        self.documentation_action = QAction("&Documentation", self)
        self.documentation_action.setShortcuts(QKeySequence.StandardKey.HelpContents)
        self.documentation_action.triggered.connect(self.show_documentation)
        help_menu.addAction(self.documentation_action)
        about = QAction("&About cratewright", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)
        self._update_actions()

    def focus_navigation(self) -> None:
        """Put the keyboard focus on the page list (arrows then switch pages)."""
        if self.navigation.isEnabled():
            from PySide6.QtCore import Qt  # not at import: see gui/qt_properties.py

            self.navigation.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_documentation(self) -> None:
        """Help ▸ Documentation: cratewright's README, rendered, inside the app."""
        from cratewright.gui.documentation import DocumentationDialog

        self.documentation = DocumentationDialog(self)
        self.documentation.open()

    def _metadata_do(self, what: str) -> None:
        page = self.metadata_page_if_built
        if page is None:
            return
        if what == "undo":
            page.undo_stack.undo()
        elif what == "redo":
            page.undo_stack.redo()
        else:
            self.show_page("metadata")
            page.save()

    def _sdist_panel_do(self, what: str) -> None:
        self.show_page("build")
        panel = self.build_page.sdist_panel
        if panel is None:
            return
        self.build_page.tabs.setCurrentWidget(panel)
        if what == "verify":
            panel.start_verify()
        else:
            panel.start_develop()

    def _publish_from_menu(self) -> None:
        self.show_page("publish")
        self.page("publish").publish()  # type: ignore[attr-defined]

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        paths = recent_projects()
        for path in paths:
            action = self.recent_menu.addAction(f"{path.name}  ({path})")
            action.triggered.connect(lambda _=False, p=path: self.open_project(p))
        if not paths:
            self.recent_menu.addAction("(none)").setEnabled(False)

    def _update_actions(self) -> None:
        has_project = self.state.overview is not None
        building = self.building
        self.build_action.setEnabled(has_project and not building)
        self.cancel_action.setEnabled(building)
        self.reload_action.setEnabled(self.state.project_path is not None and not building)
        for action in (self.sdist_action, self.develop_action, self.publish_action):
            action.setEnabled(has_project and not building)
        metadata = self.metadata_page_if_built
        self.undo_action.setEnabled(bool(metadata and metadata.undo_stack.canUndo()))
        self.redo_action.setEnabled(bool(metadata and metadata.undo_stack.canRedo()))
        self.save_action.setEnabled(bool(metadata and metadata.has_pending_edits))

    def _about(self) -> None:
        from PySide6.QtWidgets import QMessageBox  # built on first use, not at start

        QMessageBox.about(
            self,
            "About cratewright",
            f"cratewright {__version__}\n\nBuild Rust crates into Python wheels, audit them for "
            "manylinux and publish them. Reads maturin projects unchanged.",
        )
