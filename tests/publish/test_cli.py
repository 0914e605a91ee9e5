"""`cratewright publish / upload / credentials` as a user runs them, against real services."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import TEST_CRATES
from tests.publish.fixtures import LeakGuard, PypiServer, make_wheel


def cli(
    *args: str | os.PathLike[str], env: dict[str, str], input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The real CLI in a subprocess; stdin is a pipe (or empty), never a terminal."""
    return subprocess.run(
        [sys.executable, "-m", "cratewright", *map(str, args)],
        env=env, input=input if input is not None else "", capture_output=True, text=True,
        timeout=1200, check=False,
    )  # fmt: skip


def _guarded(guard: LeakGuard, label: str, proc: subprocess.CompletedProcess[str]) -> str:
    guard.output(f"{label} stdout", proc.stdout)
    guard.output(f"{label} stderr", proc.stderr)
    return proc.stdout + proc.stderr


@pytest.mark.cargo
def test_publish_end_to_end_then_pip_install(
    pypi_server: PypiServer,
    isolated_env: dict[str, str],
    leak_guard: LeakGuard,
    make_venv,
    tmp_path: Path,
) -> None:
    leak_guard.secret(pypi_server.password)
    leak_guard.folder(pypi_server.packages.parent)
    url = pypi_server.url
    stored = cli(
        "credentials", "set", "--repository-url", url, "-u", pypi_server.username,
        env=isolated_env, input=pypi_server.password + "\n",
    )  # fmt: skip
    assert stored.returncode == 0, _guarded(leak_guard, "set", stored)
    assert "Stored the credential of uploader" in _guarded(leak_guard, "set", stored)
    shown = cli("credentials", "show", "--repository-url", url, env=isolated_env)
    assert shown.returncode == 0
    assert shown.stdout.strip() == f"A credential for user uploader is stored for 127.0.0.1 ({url})"
    _guarded(leak_guard, "show", shown)

    out = tmp_path / "dist"
    published = cli(
        "publish", "-m", TEST_CRATES / "pyo3-mixed", "-i", sys.executable, "--debug",
        "-o", out, "--repository-url", url, "-u", pypi_server.username, "--non-interactive",
        env=isolated_env,
    )  # fmt: skip
    text = _guarded(leak_guard, "publish", published)
    assert published.returncode == 0, text
    assert published.stdout.strip() == f"{pypi_server.simple_url}pyo3-mixed/"
    uploaded = sorted(p.name for p in pypi_server.packages.iterdir())
    assert any(name.endswith(".whl") for name in uploaded), uploaded
    assert "pyo3_mixed-0.2.0.tar.gz" in uploaded, "the sdist goes with the wheels"
    assert "✨ Uploaded 2 file(s) to 127.0.0.1" in text

    venv = make_venv("installed")
    venv.pip_install("--index-url", pypi_server.simple_url, "pyo3-mixed")
    check = venv.run([venv.python, "-c", "import pyo3_mixed; print(pyo3_mixed.__name__)"])
    assert check.returncode == 0, check.stderr
    assert check.stdout.strip() == "pyo3_mixed"

    # command-line twine finds the token that `credentials set` stored
    extra = make_wheel(tmp_path / "extra", "cw-twine")
    twine = subprocess.run(
        [sys.executable, "-m", "twine", "upload", "--non-interactive", "--disable-progress-bar",
         "--repository-url", url, "-u", pypi_server.username, str(extra)],
        env=isolated_env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert twine.returncode == 0, _guarded(leak_guard, "twine", twine)
    _guarded(leak_guard, "twine", twine)

    deleted = cli("credentials", "delete", "--repository-url", url, env=isolated_env)
    assert deleted.returncode == 0, _guarded(leak_guard, "delete", deleted)
    after = cli("credentials", "show", "--repository-url", url, env=isolated_env)
    assert after.returncode == 1
    assert after.stdout.strip() == f"No credential is stored for 127.0.0.1 ({url})"


def test_upload_wrong_password_duplicate_and_skip_existing(
    pypi_server: PypiServer, isolated_env: dict[str, str], leak_guard: LeakGuard, tmp_path: Path
) -> None:
    leak_guard.secret(pypi_server.password)
    leak_guard.folder(pypi_server.packages.parent)
    wheel = make_wheel(tmp_path)
    url = pypi_server.url
    wrong = {**isolated_env, "TWINE_USERNAME": "uploader", "TWINE_PASSWORD": "not-the-password"}
    refused = cli("upload", wheel, "--repository-url", url, env=wrong)
    assert refused.returncode == 1
    last = refused.stderr.strip().splitlines()
    assert any(
        line.startswith("💥 error: 127.0.0.1 (http://127.0.0.1:")
        and "refused the credentials (403" in line
        for line in last
    ), refused.stderr
    assert list(pypi_server.packages.iterdir()) == []

    right = {**isolated_env, "TWINE_USERNAME": "uploader", "TWINE_PASSWORD": pypi_server.password}
    first = cli("upload", wheel, "--repository-url", url, env=right)
    assert first.returncode == 0, _guarded(leak_guard, "first", first)
    again = cli("upload", wheel, "--repository-url", url, env=right)
    text = _guarded(leak_guard, "again", again)
    assert again.returncode == 1
    assert f"💥 error: {wheel.name} already exists on 127.0.0.1" in text
    assert "--skip-existing" in text
    skipped = cli("upload", wheel, "--repository-url", url, "--skip-existing", env=right)
    text = _guarded(leak_guard, "skip", skipped)
    assert skipped.returncode == 0, text
    assert f"Skipped {wheel.name}: it is already on 127.0.0.1" in text
    for proc in (refused, first):
        _guarded(leak_guard, "upload", proc)


def test_no_credential_without_a_terminal_fails_instead_of_waiting(
    pypi_server: PypiServer, isolated_env: dict[str, str], leak_guard: LeakGuard, tmp_path: Path
) -> None:
    proc = cli("upload", make_wheel(tmp_path), "--repository-url", pypi_server.url,
               env=isolated_env)  # fmt: skip
    assert proc.returncode == 1
    assert "No credential is stored for 127.0.0.1" in proc.stderr
    assert "non-interactive" in proc.stderr
    assert "hint: set CRATEWRIGHT_PYPI_TOKEN" in proc.stderr
    _guarded(leak_guard, "upload", proc)


def test_corrupt_wheel_is_refused_before_upload(
    pypi_server: PypiServer, isolated_env: dict[str, str], leak_guard: LeakGuard, tmp_path: Path
) -> None:
    wheel = make_wheel(tmp_path)
    wheel.write_bytes(wheel.read_bytes()[:-200])
    env = {**isolated_env, "TWINE_USERNAME": "uploader", "TWINE_PASSWORD": pypi_server.password}
    proc = cli("upload", wheel, "--repository-url", pypi_server.url, env=env)
    assert proc.returncode == 1
    assert f"💥 error: {wheel.name} would be refused by the index: not a valid zip" in proc.stderr
    assert "nothing was uploaded" in proc.stderr
    assert list(pypi_server.packages.iterdir()) == []
    log = pypi_server.log_file.read_text(errors="replace")
    assert "POST" not in log
    leak_guard.secret(pypi_server.password)
    _guarded(leak_guard, "upload", proc)


def test_credentials_refuse_a_missing_keyring(
    isolated_env: dict[str, str], leak_guard: LeakGuard
) -> None:
    env = {**isolated_env, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    token = leak_guard.secret("pypi-never-stored-anywhere")
    proc = cli("credentials", "set", "-r", "testpypi", env=env, input=token)
    assert proc.returncode == 1
    assert "💥 error: Cannot use the system keyring: no system keyring is available" in proc.stderr
    assert "this upload" in proc.stderr or "for one upload" in proc.stderr
    _guarded(leak_guard, "set", proc)
    empty = cli("credentials", "set", "-r", "testpypi", env=isolated_env, input="")
    assert empty.returncode == 1
    assert "No API token was given on standard input" in empty.stderr


def test_publish_flags_are_maturins(tmp_path: Path) -> None:
    import argparse

    from cratewright.cli_commands import publish

    parser = argparse.ArgumentParser()
    publish.register(parser.add_subparsers())
    args = parser.parse_args(["publish", "-r", "testpypi", "-u", "me", "--skip-existing",
                              "--non-interactive", "-i", "python3", "--no-sdist"])  # fmt: skip
    assert (args.repository, args.username, args.skip_existing) == ("testpypi", "me", True)
    assert args.non_interactive and args.no_sdist and not args.debug
    assert args.interpreter == ["python3"]
    upload = parser.parse_args(["upload", "a.whl", "b.tar.gz", "--repository-url", "http://x/"])
    assert upload.files == [Path("a.whl"), Path("b.tar.gz")]


def _run_on_terminal(args: list[str], env: dict[str, str], answers: dict[str, str]) -> str:
    """Run the CLI with a pseudo-terminal as its terminal, answering prompts as they come."""
    import pty
    import select

    env = {k: v for k, v in env.items() if k != "CI"}  # CI=true means "never prompt"
    pid, fd = pty.fork()
    if pid == 0:  # the child: its stdin, stdout, stderr and /dev/tty are the terminal
        os.execve(sys.executable, [sys.executable, "-m", "cratewright", *args], env)
    seen, pending = b"", dict(answers)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        for prompt, answer in list(pending.items()):
            if prompt.encode() in seen:
                os.write(fd, answer.encode() + b"\n")
                del pending[prompt]
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return f"exit={os.waitstatus_to_exitcode(status)}\n" + seen.decode(errors="replace")


def test_terminal_prompt_masks_the_token_and_keeps_it_after_success(
    pypi_server: PypiServer, isolated_env: dict[str, str], leak_guard: LeakGuard, tmp_path: Path
) -> None:
    leak_guard.secret(pypi_server.password)
    wheel = make_wheel(tmp_path)
    transcript = _run_on_terminal(
        ["upload", str(wheel), "--repository-url", pypi_server.url],
        isolated_env,
        {"Username for 127.0.0.1: ": "uploader", "Enter your password for": pypi_server.password},
    )
    leak_guard.output("terminal", transcript)  # getpass never echoes the secret
    assert transcript.startswith("exit=0"), transcript
    assert "Stored the credential of uploader for 127.0.0.1" in transcript
    shown = cli("credentials", "show", "--repository-url", pypi_server.url, env=isolated_env)
    assert "A credential for user uploader is stored" in shown.stdout
