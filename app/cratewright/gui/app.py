"""Start the desktop app: arguments, QApplication, style, the main window.

``--screenshot DIR`` renders every page to ``DIR/<page>.png`` at a fixed size (``--size``,
default 1280x800) and exits (without a project: the welcome panel and the New Project wizard's
pages), on the offscreen platform when there is no display, so documentation and reviews can see
the real window without a desktop. ``--theme light|dark`` picks Fusion's palette instead of the
system's (screenshots of both schemes).
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cratewright import __version__
from cratewright.gui.resources import resource_path

if TYPE_CHECKING:
    import argparse

    from PySide6.QtWidgets import QApplication

    from cratewright.core.metadata import FactsProcess
    from cratewright.gui.main_window import MainWindow


# Qt and the engine are imported inside the functions: ``run`` starts loading the project
# (cargo) before either is imported, so cargo runs while they load.

__all__ = [
    "PLAIN_START_DEFAULTS",
    "SCREENSHOT_SIZE",
    "add_arguments",
    "apply_theme",
    "create_application",
    "launch",
    "parse_arguments",
    "render_pages",
    "render_welcome",
    "run",
    "start_loading",
]

SCREENSHOT_SIZE = (1280, 800)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The app's options: ``cratewright-gui`` and the CLI's ``gui`` verb both take these."""
    parser.add_argument("path", nargs="?", type=Path, help="project to open")
    parser.add_argument(
        "--screenshot",
        type=Path,
        metavar="DIR",
        help="render every page to DIR/<page>.png and exit (works headless); without PATH "
        "the welcome panel and the New Project wizard",
    )
    parser.add_argument(
        "--size",
        type=_size,
        metavar="WxH",
        help="window size, e.g. 1024x700 (screenshots: 1280x800)",
    )
    parser.add_argument(
        "--theme",
        choices=("system", "light", "dark"),
        default="system",
        help="colour scheme (default: the system's)",
    )
    parser.add_argument(
        "--build", action="store_true", help="start a build as soon as the project is open"
    )


# What ``add_arguments`` gives when no option is used (a test holds the two together).
PLAIN_START_DEFAULTS = {"screenshot": None, "size": None, "theme": "system", "build": False}


def parse_arguments(argv: Sequence[str]) -> argparse.Namespace:
    """The app's arguments.

    A plain start (a project path or nothing: the .desktop file's and the README's way)
    skips argparse, whose parser looks up a translation for every help text while it is
    built: 4 ms of the start, before Qt is even imported.
    """
    arguments = list(argv)
    if len(arguments) <= 1 and not any(argument.startswith("-") for argument in arguments):
        from types import SimpleNamespace

        path = Path(arguments[0]) if arguments else None
        return SimpleNamespace(path=path, **PLAIN_START_DEFAULTS)  # type: ignore[return-value]
    import argparse

    parser = argparse.ArgumentParser(prog="cratewright-gui", description="cratewright desktop app")
    add_arguments(parser)
    return parser.parse_args(arguments)


def _size(text: str) -> tuple[int, int]:
    import argparse

    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not WIDTHxHEIGHT, e.g. 1024x700") from None
    if width < 200 or height < 200:
        raise argparse.ArgumentTypeError(f"{text!r} is too small for the window")
    return width, height


def apply_theme(app: QApplication, theme: str) -> None:
    """Fusion's light or dark palette ("system": leave the system's colour scheme)."""
    if theme == "system":
        return
    from PySide6.QtGui import QColor, QPalette

    if theme == "light":
        app.setPalette(app.style().standardPalette())
        return
    role = QPalette.ColorRole
    palette = QPalette()
    colours = {
        role.Window: "#2b2b2b", role.WindowText: "#e6e6e6", role.Base: "#363636",
        role.AlternateBase: "#3d3d3d", role.ToolTipBase: "#3a3a3a", role.ToolTipText: "#e6e6e6",
        role.Text: "#e6e6e6", role.Button: "#353535", role.ButtonText: "#e6e6e6",
        role.BrightText: "#ff6b6b", role.Link: "#6cb4ff", role.Highlight: "#3d7bd9",
        role.HighlightedText: "#ffffff", role.PlaceholderText: "#8a8a8a",
    }  # fmt: skip
    for colour_role, colour in colours.items():
        palette.setColor(colour_role, QColor(colour))
    for colour_role in (role.Text, role.WindowText, role.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, colour_role, QColor("#7a7a7a"))
    app.setPalette(palette)


def create_application(argv: Sequence[str] = ()) -> QApplication:
    """The QApplication with cratewright's names, icon and Fusion style.

    Fusion follows the system colour scheme (light or dark) on every platform. There is no
    app-wide style sheet: Qt matches one against every widget it polishes (3 ms of the start
    even with a single rule), so the one widget that has a sheet, the page list, sets its own.
    """
    from PySide6.QtCore import QCoreApplication

    from cratewright.gui.pyside_import_hook import install_fast_pyside_check

    install_fast_pyside_check()  # before the app's own modules are imported
    from PySide6.QtGui import QGuiApplication, QIcon
    from PySide6.QtWidgets import QApplication

    from cratewright.gui.gc_guard import ensure_main_thread_gc
    from cratewright.gui.settings import APPLICATION, ORGANIZATION

    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        ensure_main_thread_gc()  # launch() switched automatic collection off
        return existing
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    QCoreApplication.setApplicationVersion(__version__)
    QGuiApplication.setDesktopFileName("cratewright")
    # Fusion from the start: ``setStyle`` afterwards would build a second style (7 ms).
    app = QApplication([sys.argv[0], "-style", "fusion", *argv])
    ensure_main_thread_gc()
    app.setWindowIcon(QIcon(str(resource_path("icons/cratewright.svg"))))
    return app


def render_pages(
    window: object, out_dir: Path, size: tuple[int, int] = SCREENSHOT_SIZE
) -> list[Path]:
    """Show each page of ``window`` at ``size`` and save it as ``<page_id>.png``."""
    from PySide6.QtWidgets import QApplication

    from cratewright.gui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    out_dir.mkdir(parents=True, exist_ok=True)
    window.resize(*size)
    written: list[Path] = []
    if window.state.overview is None:
        QApplication.processEvents()
        path = out_dir / "error.png"
        window.grab().save(str(path))
        return [path]
    for page_id, page in window.pages.items():
        window.show_page(page_id)
        page.prepare_screenshot()
        for _ in range(5):
            QApplication.processEvents()
        path = out_dir / f"{page_id}.png"
        if not window.grab().save(str(path)):
            raise OSError(f"could not write {path}")
        written.append(path)
    window.show_page("overview")
    return written


def render_welcome(
    window: object, out_dir: Path, size: tuple[int, int] = SCREENSHOT_SIZE
) -> list[Path]:
    """The empty window and each page of the New Project wizard, as ``welcome.png`` and
    ``new-project-<page>.png`` (the wizard filled in as a user would, nothing created)."""
    import tempfile

    from PySide6.QtWidgets import QApplication, QWizard

    from cratewright.gui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    out_dir.mkdir(parents=True, exist_ok=True)
    window.resize(*size)
    QApplication.processEvents()
    written = [out_dir / "welcome.png"]
    window.grab().save(str(written[0]))
    window.new_project()
    wizard = window.new_project_wizard
    assert wizard is not None
    location = Path(tempfile.gettempdir()) / "projects"
    location.mkdir(exist_ok=True)
    wizard.name_page.location_edit.setText(str(location))
    wizard.name_page.name_edit.setText("my-project")
    wizard.next()
    wizard.bindings_page.choose("pyo3")
    wizard.next()
    wizard.layout_page.choose("mixed")
    wizard.next()
    wizard.options_page.abi3.setChecked(True)
    wizard.options_page.license.setText("MIT")
    for index, page in enumerate(("name", "bindings", "layout", "options")):
        while wizard.currentId() > index:
            wizard.back()
        while wizard.currentId() < index:
            wizard.next()
        for _ in range(5):
            QApplication.processEvents()
        path = out_dir / f"new-project-{page}.png"
        if not wizard.grab().save(str(path)):
            raise OSError(f"could not write {path}")
        written.append(path)
    wizard.button(QWizard.WizardButton.CancelButton).click()
    return written


def start_loading(path: Path) -> FactsProcess | None:
    """Start deriving the project's Overview in another process, before Qt is imported.

    Importing the engine in a thread while the main thread imports Qt makes both slower (they
    take turns on the GIL); a second process does it on another core, cargo included, and the
    window shows its answer in the first frame (see
    :mod:`cratewright.core.metadata.facts_process`). None when it could not be started: the
    window then loads the project as always.
    """
    from cratewright.core.metadata import start_facts_process

    return start_facts_process(path.expanduser().resolve())


def launch(args: argparse.Namespace) -> tuple[QApplication, MainWindow]:
    """The app's start up to its window shown (the start-up benchmark times exactly this)."""
    # The app collects garbage from a UI-thread timer (gui/gc_guard.py); switched off from
    # here, not only once the QApplication exists: the start allocates a lot, frees nothing
    # cyclic, and automatic collection would spend 4 ms going over it.
    gc.disable()
    facts = start_loading(args.path) if args.path is not None else None
    app = create_application()
    apply_theme(app, args.theme)
    from cratewright.gui.main_window import MainWindow

    window = MainWindow()
    size = args.size or (SCREENSHOT_SIZE if args.screenshot is not None else None)
    if size is not None:
        window.resize(*size)
    if args.path is not None:
        window.open_project(args.path, facts=facts)
    window.show()
    return app, window


def run(argv: Sequence[str]) -> int:
    """Run the app; returns the process exit code."""
    args = parse_arguments(argv)
    headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if args.screenshot is not None and headless:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    elif headless and sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM"):
        # Qt would abort with a core dump and a page about platform plugins.
        print(
            "error: no display to open the cratewright window on (neither DISPLAY nor "
            "WAYLAND_DISPLAY is set)\n  hint: run it in a desktop session, under "
            "`xvfb-run -a cratewright gui ...`, or render pages with --screenshot DIR",
            file=sys.stderr,
        )
        return 1
    app, window = launch(args)
    size = args.size or (SCREENSHOT_SIZE if args.screenshot is not None else None)
    if args.build:
        window.project_loaded.connect(lambda ok: ok and window.build_page.start_build())
    if args.screenshot is None:
        return app.exec()
    if args.path is None:
        for path in render_welcome(window, args.screenshot, size or SCREENSHOT_SIZE):
            print(path)
        window.close()
        return 0
    window.wait_for_project()
    if args.build:
        window.build_page.wait_for_build()
    written = render_pages(window, args.screenshot, size or SCREENSHOT_SIZE)
    for path in written:
        print(path)
    ok = window.state.overview is not None
    window.close()
    if not ok:
        print(f"error: could not open {args.path}; rendered the error panel", file=sys.stderr)
    return 0 if ok else 1
