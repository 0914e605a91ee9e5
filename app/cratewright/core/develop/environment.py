"""Which Python environment ``develop`` installs into, found the way maturin finds it.

Order: an environment or interpreter the user chose, ``VIRTUAL_ENV``, ``CONDA_PREFIX`` (both
set and different is an error, since either could be meant), then a ``.venv`` in the project
directory or the current directory or any of their parents. When nothing is found the error
lists every place that was looked at, so the user knows what to create or activate.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from cratewright.errors import InstallError

__all__ = [
    "PythonEnvironment",
    "detect_environments",
    "environment_python",
    "find_environment",
]

_CANDIDATE_NAMES = (".venv", "venv", ".env", "env")


@dataclass(frozen=True)
class PythonEnvironment:
    """A virtualenv or conda prefix and its interpreter.

    ``origin`` says how it was found: "chosen", "VIRTUAL_ENV", "CONDA_PREFIX" or ".venv".
    """

    prefix: Path
    python: Path
    origin: str

    @property
    def is_uv_venv(self) -> bool:
        """True for venvs created by uv (their pyvenv.cfg names uv); they may lack pip."""
        try:
            text = (self.prefix / "pyvenv.cfg").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
        return any(line.split("=")[0].strip() == "uv" for line in text.splitlines())

    @property
    def is_pixi_env(self) -> bool:
        """True for pixi environments (conda-meta/pixi); maturin installs into them with uv."""
        return (self.prefix / "conda-meta" / "pixi").exists()

    @property
    def label(self) -> str:
        """E.g. ".venv: /home/me/proj/.venv" for choosers and messages."""
        return f"{self.origin}: {self.prefix}"


def environment_python(prefix: Path) -> Path | None:
    """The interpreter of an environment prefix, if it has one."""
    names = ("Scripts/python.exe",) if sys.platform == "win32" else ("bin/python", "bin/python3")
    for name in names:
        candidate = prefix / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def _prefix_of_interpreter(python: Path) -> Path:
    try:
        proc = subprocess.run(
            [str(python), "-c", "import sys; print(sys.prefix)"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise InstallError(f"Cannot run the interpreter {python}: {exc}") from None
    if proc.returncode != 0 or not proc.stdout.strip():
        raise InstallError(f"{python} did not report its sys.prefix: {proc.stderr.strip()}")
    return Path(proc.stdout.strip())


def _chosen(path: Path) -> PythonEnvironment:
    path = path.expanduser()
    if path.is_dir():
        python = environment_python(path)
        if python is None:
            raise InstallError(f"{path} is not a Python environment: it has no bin/python")
        return PythonEnvironment(path.absolute(), python, "chosen")
    if path.is_file():
        return PythonEnvironment(_prefix_of_interpreter(path), path.absolute(), "chosen")
    raise InstallError(f"The chosen environment {path} does not exist")


def _from_dot_venv(directory: Path) -> PythonEnvironment:
    dot_venv = directory / ".venv"
    if not (dot_venv / "pyvenv.cfg").is_file():
        raise InstallError(
            f"Expected {dot_venv} to be a virtual environment, but pyvenv.cfg is missing"
        )
    python = environment_python(dot_venv)
    if python is None:
        raise InstallError(
            f"Your virtualenv at {dot_venv} is broken. It contains a pyvenv.cfg but no python"
        )
    return PythonEnvironment(dot_venv, python, ".venv")


def _search_dirs(project_dir: Path | None, cwd: Path) -> Iterator[Path]:
    seen: set[Path] = set()
    for start in (project_dir, cwd):
        if start is None:
            continue
        for directory in (start, *start.parents):
            if directory not in seen:
                seen.add(directory)
                yield directory


def find_environment(
    chosen: Path | None = None,
    *,
    project_dir: Path | None = None,
    cwd: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> PythonEnvironment:
    """The environment ``develop`` installs into (see the module docstring for the order).

    Raises:
        InstallError: nothing usable was found; the message lists where we looked.
    """
    if chosen is not None:
        return _chosen(chosen)
    env = os.environ if environ is None else environ
    venv, conda = env.get("VIRTUAL_ENV"), env.get("CONDA_PREFIX")
    if venv and conda and Path(venv) != Path(conda):
        raise InstallError(
            "Both VIRTUAL_ENV and CONDA_PREFIX are set. Please unset one of them",
            hint=f"VIRTUAL_ENV={venv}, CONDA_PREFIX={conda}",
        )
    for origin, value in (("VIRTUAL_ENV", venv), ("CONDA_PREFIX", conda)):
        if value:
            prefix = Path(value)
            python = environment_python(prefix)
            if python is None:
                raise InstallError(f"{origin} points at {prefix}, which has no bin/python")
            return PythonEnvironment(prefix, python, origin)
    searched = list(_search_dirs(project_dir, (cwd or Path.cwd()).absolute()))
    for directory in searched:
        if (directory / ".venv").is_dir():
            return _from_dot_venv(directory)
    places = ", ".join(str(d / ".venv") for d in searched)
    raise InstallError(
        "Couldn't find a virtualenv or conda environment to install into. Looked for: "
        f"$VIRTUAL_ENV (not set), $CONDA_PREFIX (not set), {places}",
        hint="create one with `python -m venv .venv` in the project, activate one, or pass "
        "--environment PATH (a venv directory or a python interpreter)",
    )


def detect_environments(
    project_dir: Path | None,
    *,
    cwd: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> list[PythonEnvironment]:
    """Every environment a user might mean, for a chooser: active ones, then project venvs."""
    env = os.environ if environ is None else environ
    found: list[PythonEnvironment] = []
    seen: set[Path] = set()

    def add(prefix: Path, origin: str) -> None:
        python = environment_python(prefix)
        if python is not None and prefix.resolve() not in seen:
            seen.add(prefix.resolve())
            found.append(PythonEnvironment(prefix, python, origin))

    for origin in ("VIRTUAL_ENV", "CONDA_PREFIX"):
        if env.get(origin):
            add(Path(env[origin]), origin)
    for directory in _search_dirs(project_dir, (cwd or Path.cwd()).absolute()):
        for name in _CANDIDATE_NAMES:
            candidate = directory / name
            if (candidate / "pyvenv.cfg").is_file():
                add(candidate, name)
    return found
