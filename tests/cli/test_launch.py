"""``cratewright gui`` reaches the desktop app without building the command line first."""

from __future__ import annotations

import subprocess
import sys

_PROBE = """
import sys
import cratewright.gui
seen = []
cratewright.gui.main = lambda argv: seen.append(list(argv)) or 7
from cratewright.launch import main
code = main(sys.argv[1:])
print(code, seen, "cratewright.cli" in sys.modules, "cratewright.events" in sys.modules)
"""


def _launch(*args: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_gui_is_handed_its_arguments_before_the_cli_is_imported() -> None:
    out = _launch("gui", "some/crate", "--size", "1024x700", "--build")
    assert out == "7 [['some/crate', '--size', '1024x700', '--build']] False False"


def _help(*verb: str) -> str:
    """``python -m cratewright VERB --help``: the launcher's path, as the script takes it."""
    proc = subprocess.run(
        [sys.executable, "-m", "cratewright", *verb, "--help"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_every_other_verb_goes_to_the_cli() -> None:
    assert "usage: cratewright list-python" in _help("list-python")


def test_gui_help_names_the_apps_options() -> None:
    text = _help("gui")
    for option in ("--screenshot", "--size", "--theme", "--build"):
        assert option in text
