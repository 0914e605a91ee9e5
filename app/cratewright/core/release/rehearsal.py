"""The rehearsal: upload to a second index, install that exact version from it, run a smoke test.

The files go to the rehearsal index (TestPyPI or any other). Then a fresh venv downloads the
version back from that index alone (``--no-deps``) and its SHA-256 must equal the built file's,
so the index serves exactly our bytes; it is installed with its dependencies from the main
index, as users will get them, and the smoke command runs in an empty folder (not the project,
whose sources would shadow the installed package).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cratewright.core.publish import CredentialPrompt, Repository, publish_files
from cratewright.core.release.artifacts import ReleaseFiles
from cratewright.core.release.files import sha256_of
from cratewright.core.release.outcome import StepResult
from cratewright.errors import CratewrightError
from cratewright.events import EventSink, Message, null_sink

__all__ = ["RehearsalOutcome", "install_and_smoke", "rehearse_release"]

_PIP_TIMEOUT = 900
_SMOKE_TIMEOUT = 300


@dataclass(frozen=True)
class RehearsalOutcome:
    """What the rehearsal installed and what the smoke command said."""

    installed: str
    sha256: str
    command: str
    returncode: int
    output: str


def _run(
    argv: list[str], *, env: dict[str, str], cwd: Path, timeout: int
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv,
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def install_and_smoke(
    files: ReleaseFiles,
    rehearsal_index: str,
    main_index: str,
    smoke_command: str,
    *,
    python: str = sys.executable,
    sink: EventSink = null_sink,
) -> StepResult:
    """Install ``files``' version from ``rehearsal_index`` into a fresh venv and run the smoke."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PIP_", "VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"))
    }
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    requirement = f"{files.name}=={files.version}"
    with tempfile.TemporaryDirectory(prefix="cratewright-rehearsal-") as scratch:
        root = Path(scratch)
        venv, downloads, empty = root / "venv", root / "downloads", root / "cwd"
        empty.mkdir()
        sink(Message("info", f"🐍 Creating a fresh venv with {python}"))
        made = _run([python, "-m", "venv", str(venv)], env=env, cwd=empty, timeout=300)
        if made.returncode != 0:
            return StepResult(
                "rehearse",
                "failed",
                f"The venv could not be created with {python}",
                "check that the interpreter has the venv module",
                (_tail(made.stderr),),
            )
        bindir = venv / ("Scripts" if os.name == "nt" else "bin")
        venv_python = str(bindir / "python")
        sink(Message("info", f"⬇️  Downloading {requirement} from {rehearsal_index}"))
        got = _run(
            [
                venv_python,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--no-cache-dir",
                "--index-url",
                rehearsal_index,
                "--dest",
                str(downloads),
                requirement,
            ],
            env=env,
            cwd=empty,
            timeout=_PIP_TIMEOUT,
        )
        fetched = sorted(downloads.glob("*")) if downloads.is_dir() else []
        if got.returncode != 0 or not fetched:
            return StepResult(
                "rehearse",
                "failed",
                f"{requirement} cannot be downloaded from the rehearsal index",
                "check that a wheel for this Python was built and uploaded (-i), or that the "
                "index lists the version",
                (_tail(got.stdout + got.stderr),),
            )
        download = fetched[0]
        digest = sha256_of(download)
        ours = {f.path.name: f.sha256 for f in files.files}
        if ours.get(download.name) != digest:
            return StepResult(
                "rehearse",
                "failed",
                f"The rehearsal index serves {download.name} with sha256 {digest[:16]}…, "
                "which is not the file that was built",
                "the index already had a different file of this version: bump the version "
                "(e.g. a new pre-release) and release again",
            )
        sink(Message("info", f"📥 Installing {download.name} (dependencies from {main_index})"))
        installed = _run(
            [
                venv_python,
                "-m",
                "pip",
                "install",
                "--no-cache-dir",
                "--index-url",
                main_index,
                "--find-links",
                str(downloads),
                requirement,
            ],
            env=env,
            cwd=empty,
            timeout=_PIP_TIMEOUT,
        )
        if installed.returncode != 0:
            return StepResult(
                "rehearse",
                "failed",
                f"{download.name} does not install: a dependency is missing from the main index",
                "publish the dependency first, or correct the requirement in the metadata",
                (_tail(installed.stdout + installed.stderr),),
            )
        smoke_env = dict(
            env, VIRTUAL_ENV=str(venv), PATH=f"{bindir}{os.pathsep}{env.get('PATH', '')}"
        )
        try:
            argv = shlex.split(smoke_command)
        except ValueError as exc:
            return StepResult(
                "rehearse",
                "failed",
                f"The smoke command cannot be read: {exc}",
                "correct the quoting of the smoke command",
            )
        if not argv:
            return StepResult(
                "rehearse",
                "failed",
                "The smoke command is empty",
                'set one, e.g. python -c "import mymodule"',
            )
        if argv[0] in ("python", "python3"):
            argv[0] = venv_python
        sink(Message("info", f"🔥 Smoke test: {smoke_command}"))
        try:
            smoke = _run(argv, env=smoke_env, cwd=empty, timeout=_SMOKE_TIMEOUT)
        except FileNotFoundError:
            return StepResult(
                "rehearse",
                "failed",
                f"The smoke command {argv[0]!r} was not found",
                "install the package's script or fix the command",
            )
        except subprocess.TimeoutExpired:
            return StepResult(
                "rehearse",
                "failed",
                f"The smoke command did not finish in {_SMOKE_TIMEOUT} s",
                "make the smoke command quicker or fix the hang",
            )
        output = _tail(smoke.stdout + smoke.stderr, 25)
        details = (
            f"installed {download.name} sha256 {digest}",
            f"$ {smoke_command}",
            *(output.splitlines() if output else ()),
        )
        if smoke.returncode != 0:
            last = output.splitlines()[-1] if output else f"exit code {smoke.returncode}"
            return StepResult(
                "rehearse",
                "failed",
                f"{download.name} installs from the rehearsal index but the smoke command "
                f"fails: {last}",
                "the installed package is broken (a file missing from the wheel, a wrong "
                "module name, an import of a missing dependency): fix it, bump the version "
                "and release again",
                details,
            )
        return StepResult(
            "rehearse",
            "passed",
            f"{download.name} installed from the rehearsal index and passed `{smoke_command}`",
            None,
            details,
        )


def rehearse_release(
    files: ReleaseFiles,
    rehearsal: Repository,
    main: Repository,
    smoke_command: str,
    *,
    python: str = sys.executable,
    prompt: CredentialPrompt | None = None,
    allow_insecure_http: bool = False,
    sink: EventSink = null_sink,
) -> StepResult:
    """Upload to the rehearsal index (files already there with our bytes are fine), then install."""
    try:
        files.verify_unchanged()
        publish_files(
            files.paths,
            rehearsal,
            prompt=prompt,
            non_interactive=prompt is None,
            skip_existing=True,
            allow_insecure_http=allow_insecure_http,
            sink=sink,
        )
    except CratewrightError as exc:
        return StepResult(
            "rehearse",
            "failed",
            f"Upload to {rehearsal.label} failed: {exc.message}",
            exc.hint
            or "check the rehearsal index and its credential (`cratewright credentials set`)",
        )
    return install_and_smoke(
        files, rehearsal.simple_url, main.simple_url, smoke_command, python=python, sink=sink
    )
