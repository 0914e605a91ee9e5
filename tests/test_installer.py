"""installer/install-desktop.sh installs a working app into a temporary home, and removes it."""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, TEST_CRATES


def test_install_run_and_uninstall(tmp_path: Path) -> None:
    home = tmp_path / "home"
    real_home = Path.home()
    env = {
        # rustup and cargo keep their toolchains under the real home.
        "RUSTUP_HOME": str(real_home / ".rustup"),
        "CARGO_HOME": str(real_home / ".cargo"),
        **os.environ,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "BIN_DIR": str(home / "bin"),
        "PYTHON": sys.executable,
        "QT_QPA_PLATFORM": "offscreen",
    }
    env.pop("VIRTUAL_ENV", None)
    script = REPO / "installer" / "install-desktop.sh"
    proc = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    desktop = home / "data" / "applications" / "cratewright.desktop"
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(desktop)
    entry = parser["Desktop Entry"]
    assert entry["Exec"] == f"{home}/bin/cratewright-gui %f"
    assert entry["Icon"] == "cratewright"
    assert (home / "data" / "icons/hicolor/scalable/apps/cratewright.svg").is_file()
    # The installed app (not this checkout) renders its pages, icons and style included.
    shots = tmp_path / "shots"
    run = subprocess.run(
        [str(home / "bin" / "cratewright"), "gui", str(TEST_CRATES / "hello-bin"),
         "--screenshot", str(shots)],
        env=env, capture_output=True, text=True, cwd=tmp_path, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert (shots / "overview.png").is_file()
    installed = home / "data" / "cratewright" / "venv"
    resources = list(
        installed.glob("lib/python3*/site-packages/cratewright/resources/navigation.qss")
    )
    assert resources, "the wheel must carry resources/ inside the package"
    removed = subprocess.run(
        ["bash", str(script), "--uninstall"], env=env, capture_output=True, text=True
    )
    assert removed.returncode == 0
    assert not desktop.exists()
    assert not (home / "bin" / "cratewright-gui").exists()
    assert not installed.exists()
