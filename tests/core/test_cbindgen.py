"""cbindgen is checked before use: too old or missing is one clear error with the fix.

These run the real cbindgens of this machine: Debian 12's package (0.24.3, too old for
edition 2024) and the one ``scripts/setup.sh`` builds into ~/.cargo/bin.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cratewright.core.build.cbindgen import (
    CBINDGEN_INSTALL,
    MIN_CBINDGEN,
    cbindgen_version,
    find_cbindgen,
)
from cratewright.errors import ToolMissingError
from cratewright.events import Message
from tests.conftest import TEST_CRATES, run_cratewright

DEBIAN_CBINDGEN = Path("/usr/bin/cbindgen")
CARGO_BIN = Path.home() / ".cargo" / "bin"
EDITION_2024 = TEST_CRATES / "cffi-edition2024"


def _debian_version() -> tuple[int, int, int]:
    version = cbindgen_version(DEBIAN_CBINDGEN)
    assert version is not None, "Debian's cbindgen package is installed by scripts/setup.sh"
    assert version < MIN_CBINDGEN, version
    return version


def _good() -> Path:
    tool = find_cbindgen({"PATH": str(CARGO_BIN), "HOME": str(Path.home())})
    assert tool.version >= MIN_CBINDGEN
    return tool.path


def test_only_an_old_cbindgen_is_a_clear_error(tmp_path: Path) -> None:
    version = ".".join(map(str, _debian_version()))
    with pytest.raises(ToolMissingError) as caught:
        find_cbindgen({"PATH": str(DEBIAN_CBINDGEN.parent), "HOME": str(tmp_path)})
    text = str(caught.value)
    assert f"found {version} at {DEBIAN_CBINDGEN}" in text
    assert "need 0.28.0 or newer" in text
    assert CBINDGEN_INSTALL in text and "apt-get" not in text


def test_no_cbindgen_at_all_says_how_to_get_one(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(ToolMissingError) as caught:
        find_cbindgen({"PATH": str(tmp_path / "empty"), "HOME": str(tmp_path)})
    assert "was not found" in str(caught.value)
    assert CBINDGEN_INSTALL in str(caught.value)


def test_an_old_one_first_on_path_is_skipped_for_a_good_one() -> None:
    _debian_version()
    good = _good()
    seen: list[Message] = []
    path = os.pathsep.join([str(DEBIAN_CBINDGEN.parent), str(good.parent)])
    tool = find_cbindgen({"PATH": path, "HOME": str(Path.home())}, sink=seen.append)
    assert tool.path == good.resolve()
    assert any("Skipping cbindgen 0.24.3" in m.text for m in seen)


def test_the_minimum_version_is_the_one_that_reads_edition_2024(tmp_path: Path) -> None:
    """Why MIN_CBINDGEN: the old one cannot parse the crate; a good one writes both functions."""
    _debian_version()
    old = subprocess.run(
        [str(DEBIAN_CBINDGEN), "--lang", "c", str(EDITION_2024)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert old.returncode != 0 and "expected path" in old.stderr + old.stdout
    good = subprocess.run(
        [str(_good()), "--lang", "c", str(EDITION_2024)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert good.returncode == 0, good.stderr
    assert "int32_t pair_sum(struct Pair pair);" in good.stdout
    assert "double scale_by(double value, double factor);" in good.stdout


@pytest.mark.cargo
def test_build_with_only_an_old_cbindgen_fails_cleanly(tmp_path: Path) -> None:
    """The CLI: one `💥 error:` naming the old version and the fix, and no wheel."""
    _debian_version()
    sysroot = subprocess.run(
        ["rustc", "--print", "sysroot"], capture_output=True, text=True, check=True
    ).stdout.strip()
    project = tmp_path / "crate"
    shutil.copytree(EDITION_2024, project)
    home = tmp_path / "home"
    home.mkdir()
    env = {
        **os.environ,
        "PATH": os.pathsep.join([f"{sysroot}/bin", str(Path(sys.executable).parent), "/usr/bin"]),
        "HOME": str(home),
        "CARGO_HOME": str(home / ".cargo"),
    }
    out = tmp_path / "out"
    proc = run_cratewright(
        "build", "-m", project, "-i", sys.executable, "-o", out, "--offline", env=env
    )
    assert proc.returncode == 1, proc.stderr
    assert "💥 error: cbindgen is too old for cffi bindings: found 0.24.3" in proc.stderr
    assert CBINDGEN_INSTALL in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists() or not list(out.iterdir())
