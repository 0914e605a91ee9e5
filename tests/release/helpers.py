"""Helpers of the release tests: two real pypiservers (rehearsal and main) and the keyring.

The servers, the keyring and the built test crate are module-scoped: a release test module
builds its crate once (cargo builds are the expensive part on a shared machine).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import TEST_CRATES
from tests.publish.fixtures import KeyringSession, PypiServer, start_pypi_server

_REAL_HOME = Path.home()


def cli(*args: object, env: dict[str, str], input: str = "") -> subprocess.CompletedProcess[str]:
    """The real CLI in a subprocess, stdin a pipe (never a terminal)."""
    return subprocess.run(
        [sys.executable, "-m", "cratewright", *map(str, args)],
        env=env, input=input, capture_output=True, text=True, timeout=1800, check=False,
    )  # fmt: skip


@dataclass
class Indexes:
    """The rehearsal index (plays TestPyPI) and the main one (plays PyPI)."""

    rehearsal: PypiServer
    main: PypiServer
    env: dict[str, str]


@pytest.fixture(scope="module")
def indexes(
    tmp_path_factory: pytest.TempPathFactory, keyring_session: KeyringSession
) -> Iterator[Indexes]:
    """Both servers, and an environment whose keyring holds each server's credential."""
    root = tmp_path_factory.mktemp("indexes")
    home = root / "home"
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "DBUS_SESSION_BUS_ADDRESS": keyring_session.address,
        "CARGO_HOME": os.environ.get("CARGO_HOME", str(_REAL_HOME / ".cargo")),
        "RUSTUP_HOME": os.environ.get("RUSTUP_HOME", str(_REAL_HOME / ".rustup")),
    }
    for name in ("TWINE_USERNAME", "TWINE_PASSWORD", "TWINE_REPOSITORY_URL", "CI"):
        env.pop(name, None)
    for path in (home / ".config", home / ".cache"):
        path.mkdir(parents=True)
    rehearsal = start_pypi_server(root / "rehearsal")
    try:
        main = start_pypi_server(root / "main")
    except BaseException:
        rehearsal.stop()
        raise
    try:
        for server in (rehearsal, main):
            stored = cli("credentials", "set", "--repository-url", server.url, "-u",
                         server.username, env=env, input=server.password + "\n")  # fmt: skip
            assert stored.returncode == 0, stored.stderr
        yield Indexes(rehearsal, main, env)
    finally:
        rehearsal.stop()
        main.stop()


def copy_crate(folder: Path, crate: str = "pyo3-mixed") -> Path:
    """A private copy of a test crate whose files a test may edit (license and readme set)."""
    target = folder / crate
    shutil.copytree(TEST_CRATES / crate, target, ignore=shutil.ignore_patterns("target"))
    pyproject = target / "pyproject.toml"
    text = pyproject.read_text()
    text = text.replace(
        'requires-python = ">=3.9"',
        'requires-python = ">=3.9"\nlicense = "MIT"\nreadme = "README.md"\n'
        "# the release tests check that this comment survives a bump",
    )
    pyproject.write_text(text)
    (target / "README.md").write_text("# pyo3-mixed\n\nA test crate for the release tests.\n")
    return target
