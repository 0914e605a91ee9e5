"""Real services for the publish tests: a Secret Service keyring and a pypiserver index.

Both are started by the fixtures themselves, so plain ``pytest`` works without a wrapper:

* ``keyring_session``: a private D-Bus session bus plus ``gnome-keyring-daemon`` unlocked
  with a test password, in a throw-away HOME; ``DBUS_SESSION_BUS_ADDRESS`` points at it for
  this process and for every subprocess the tests start. Both daemons are started detached
  (they are not children of the test process) and killed by pid at the end.
* ``pypi_server``: pypiserver on 127.0.0.1 and a free port, uploads authenticated by an
  htpasswd file written with passlib, stopped after the test.
* ``leak_guard``: after each test, the test's HOME (settings, logs, caches), the keyring's
  own files, the server log, the captured output and the log records must not contain any
  secret the test registered.

Test modules outside this folder import the fixtures from here.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cratewright.core.wheel.writer import WheelWriter

__all__ = [
    "KeyringSession",
    "LeakGuard",
    "PypiServer",
    "isolated_env",
    "keyring_in_process",
    "keyring_session",
    "leak_guard",
    "make_sdist",
    "make_wheel",
    "pypi_server",
    "start_keyring",
    "start_pypi_server",
    "stop_keyring",
]

KEYRING_PASSWORD = "cratewright-test-keyring"
_REAL_HOME = Path.home()
_ENV_TO_CLEAR = (
    "TWINE_USERNAME", "TWINE_PASSWORD", "TWINE_REPOSITORY", "TWINE_REPOSITORY_URL",
    "TWINE_NON_INTERACTIVE", "CRATEWRIGHT_PYPI_TOKEN", "MATURIN_PYPI_TOKEN",
    "MATURIN_USERNAME", "MATURIN_PASSWORD", "MATURIN_REPOSITORY", "MATURIN_REPOSITORY_URL",
    "PYTHON_KEYRING_BACKEND",
)  # fmt: skip


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


@dataclass
class KeyringSession:
    """A running Secret Service: the bus address and the daemons' own directory."""

    address: str
    root: Path
    pids: list[int] = field(default_factory=list)

    @property
    def data_dir(self) -> Path:
        """Where gnome-keyring keeps its (encrypted) keyring files."""
        return self.root / "home"


def _secrets_owner_pid(env: dict[str, str]) -> int | None:
    proc = subprocess.run(
        ["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
         "/org/freedesktop/DBus", "org.freedesktop.DBus.GetConnectionUnixProcessID",
         "string:org.freedesktop.secrets"],
        env=env, capture_output=True, text=True, timeout=10, check=False,
    )  # fmt: skip
    if proc.returncode != 0:
        return None
    return int(proc.stdout.split()[-1])


def start_keyring(root: Path) -> KeyringSession:
    """Start a private session bus and an unlocked gnome-keyring in ``root`` (detached)."""
    home, runtime = root / "home", root / "run"
    home.mkdir(parents=True)
    runtime.mkdir(mode=0o700)
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(runtime),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
    }
    bus = subprocess.run(
        ["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1",
         f"--address=unix:path={runtime}/bus"],
        env=env, capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    address, bus_pid = bus.stdout.split()
    session = KeyringSession(address, root, [int(bus_pid)])
    env["DBUS_SESSION_BUS_ADDRESS"] = address
    subprocess.run(
        ["gnome-keyring-daemon", "--daemonize", "--unlock", "--components=secrets"],
        input=KEYRING_PASSWORD.encode(), env=env, capture_output=True, timeout=30, check=True,
    )  # fmt: skip
    deadline = time.monotonic() + 15
    owner = _secrets_owner_pid(env)
    while owner is None and time.monotonic() < deadline:
        time.sleep(0.1)
        owner = _secrets_owner_pid(env)
    if owner is None:
        stop_keyring(session)
        raise AssertionError("gnome-keyring-daemon did not take org.freedesktop.secrets")
    session.pids.insert(0, owner)
    return session


def stop_keyring(session: KeyringSession) -> None:
    """Kill the keyring daemon and its bus."""
    for pid in session.pids:
        _kill(pid)


def _forget_viable_backends() -> None:
    """keyring decides once per process which backends can work (jaraco's ``once``).

    A window opened earlier in the same test process without a session bus has already made
    that decision ("no Secret Service"); it must be made again for the new bus.
    """
    import keyring.backend

    with contextlib.suppress(KeyError):  # KeyError: it has not decided anything yet
        keyring.backend.get_all_keyring.reset()


@contextlib.contextmanager
def keyring_in_process(address: str | None, backend: object | None = None) -> Iterator[None]:
    """Point this process's keyring at a bus (or force a backend) for a while, then restore."""
    import keyring.backends.fail
    import keyring.core

    saved = {name: os.environ.get(name) for name in ("DBUS_SESSION_BUS_ADDRESS", *_ENV_TO_CLEAR)}
    if address is not None:
        os.environ["DBUS_SESSION_BUS_ADDRESS"] = address
    for name in _ENV_TO_CLEAR:
        os.environ.pop(name, None)
    _forget_viable_backends()
    if backend is not None:
        keyring.core.set_keyring(backend)  # type: ignore[arg-type]
    else:
        keyring.core.init_backend()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        _forget_viable_backends()
        try:
            keyring.core.init_backend()
        except Exception:  # no session bus left to probe: keyring's default choice fails
            keyring.core.set_keyring(keyring.backends.fail.Keyring())


@pytest.fixture(scope="session")
def keyring_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KeyringSession]:
    """A private D-Bus session with gnome-keyring unlocked, used in and out of process."""
    session = start_keyring(tmp_path_factory.mktemp("keyring"))
    try:
        with keyring_in_process(session.address):
            yield session
    finally:
        stop_keyring(session)


@pytest.fixture
def isolated_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keyring_session: KeyringSession
) -> dict[str, str]:
    """A fresh HOME/XDG tree for this test (settings, logs, .pypirc), in os.environ too.

    Returns the environment for subprocesses (the CLI), with the test keyring's bus.
    """
    home = tmp_path / "home"
    dirs = {
        "HOME": home,
        "XDG_CONFIG_HOME": home / ".config",
        "XDG_STATE_HOME": home / ".local" / "state",
        "XDG_CACHE_HOME": home / ".cache",
        "XDG_DATA_HOME": home / ".local" / "share",
    }
    for name, path in dirs.items():
        path.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(name, str(path))
    for name in _ENV_TO_CLEAR:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", keyring_session.address)
    # cargo and rustup keep their homes (toolchains, registry cache) outside the fake HOME
    monkeypatch.setenv("CARGO_HOME", os.environ.get("CARGO_HOME", str(_REAL_HOME / ".cargo")))
    monkeypatch.setenv("RUSTUP_HOME", os.environ.get("RUSTUP_HOME", str(_REAL_HOME / ".rustup")))
    return dict(os.environ)


@dataclass
class LeakGuard:
    """Secrets of one test, and the places they must never show up."""

    secrets: set[str] = field(default_factory=set)
    texts: list[tuple[str, str]] = field(default_factory=list)
    folders: list[Path] = field(default_factory=list)

    def secret(self, value: str) -> str:
        """Register a secret (returns it, for inline use)."""
        self.secrets.add(value)
        return value

    def output(self, label: str, text: str) -> None:
        """Register captured output (a subprocess's stdout/stderr, a widget's text...)."""
        self.texts.append((label, text))

    def folder(self, path: Path) -> None:
        """Register a folder whose every file must be free of secrets."""
        self.folders.append(path)

    def check(self) -> None:
        """Fail if any registered secret appears in any registered place."""
        for secret in self.secrets:
            needle = secret.encode()
            for label, text in self.texts:
                assert secret not in text, f"a secret leaked into {label}"
            for folder in self.folders:
                for path in folder.rglob("*"):
                    if path.is_file() and not path.is_symlink():
                        try:
                            data = path.read_bytes()
                        except OSError:
                            continue
                        assert needle not in data, f"a secret leaked into {path}"


@pytest.fixture
def leak_guard(
    isolated_env: dict[str, str],
    keyring_session: KeyringSession,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> Iterator[LeakGuard]:
    """After the test: no registered secret in HOME, the keyring's files, output or logs."""
    guard = LeakGuard()
    guard.folder(Path(isolated_env["HOME"]))
    guard.folder(keyring_session.data_dir)
    yield guard
    out, err = capfd.readouterr()
    guard.output("captured stdout", out)
    guard.output("captured stderr", err)
    guard.output("log records", caplog.text)
    sys.stdout.write(out)
    sys.stderr.write(err)
    guard.check()


def free_port() -> int:
    """A TCP port that was free a moment ago on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PypiServer:
    """A running pypiserver with one upload user."""

    port: int
    username: str
    password: str
    packages: Path
    log_file: Path
    process: subprocess.Popen[bytes] | None = None
    argv: tuple[str, ...] = ()

    def start(self) -> None:
        """Start (or restart, on the same port and files) and wait until it answers."""
        self.process = subprocess.Popen(
            self.argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        _wait_until_up(self)

    @property
    def url(self) -> str:
        """The upload URL (the server's root, as twine uses it)."""
        return f"http://127.0.0.1:{self.port}/"

    @property
    def simple_url(self) -> str:
        """The PEP 503 index pip installs from."""
        return f"{self.url}simple/"

    def stop(self) -> None:
        """Stop the server (idempotent)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def _wait_until_up(server: PypiServer) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert server.process is not None
        if server.process.poll() is not None:
            raise AssertionError(
                f"pypiserver exited: {server.log_file.read_text(errors='replace')[-2000:]}"
            )
        try:
            with urllib.request.urlopen(f"{server.url}health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("pypiserver did not come up in 30 s")


def start_pypi_server(root: Path) -> PypiServer:
    """Start pypiserver on 127.0.0.1 with htpasswd-authenticated uploads (caller stops it)."""
    from passlib.apache import HtpasswdFile

    packages = root / "packages"
    packages.mkdir(parents=True)
    htpasswd = root / "htpasswd"
    server = PypiServer(
        port=free_port(),
        username="uploader",
        password="pw-" + secrets.token_hex(12),
        packages=packages,
        log_file=root / "server.log",
    )
    users = HtpasswdFile(str(htpasswd), new=True, default_scheme="apr_md5_crypt")
    users.set_password(server.username, server.password)
    users.save()
    pypi_server_bin = Path(sys.executable).parent / "pypi-server"
    command = [str(pypi_server_bin)] if pypi_server_bin.exists() else [
        sys.executable, "-m", "pypiserver",
    ]  # fmt: skip
    server.argv = (
        *command, "run", "-i", "127.0.0.1", "-p", str(server.port), "-P", str(htpasswd),
        "-a", "update", "--disable-fallback", "--log-file", str(server.log_file),
        "--log-stream", "none", str(packages),
    )  # fmt: skip
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    return server


@pytest.fixture
def pypi_server(tmp_path: Path) -> Iterator[PypiServer]:
    """pypiserver on 127.0.0.1 with htpasswd-authenticated uploads, stopped after the test."""
    server = start_pypi_server(tmp_path / "pypiserver")
    try:
        yield server
    finally:
        server.stop()


def make_wheel(
    folder: Path,
    name: str = "cw-demo",
    version: str = "1.0.0",
    *,
    readme: str = "# cw-demo\n\nA tiny package for the publish tests.\n",
    content_type: str = "text/markdown",
    extra_metadata: str = "",
    tag: str = "py3-none-any",
) -> Path:
    """A small, valid pure-Python wheel written by our own wheel writer."""
    dist = name.replace("-", "_")
    writer = WheelWriter(dist, version, [tag], root_is_purelib=True)
    writer.add_bytes(f"{dist}/__init__.py", f"VALUE = {version!r}\n".encode())
    metadata = (
        f"Metadata-Version: 2.4\nName: {name}\nVersion: {version}\n"
        f"Summary: publish test package\n{extra_metadata}"
        f"Description-Content-Type: {content_type}\n\n{readme}"
    )
    writer.add_dist_info("METADATA", metadata.encode())
    folder.mkdir(parents=True, exist_ok=True)
    return writer.write(folder)


def make_sdist(folder: Path, name: str = "cw-demo", version: str = "1.0.0") -> Path:
    """A small, valid sdist (``{name}-{version}/PKG-INFO`` inside a .tar.gz)."""
    dist = name.replace("-", "_")
    base = f"{dist}-{version}"
    scratch = folder / f"scratch-{base}"
    (scratch / base).mkdir(parents=True)
    (scratch / base / "PKG-INFO").write_text(
        f"Metadata-Version: 2.4\nName: {name}\nVersion: {version}\nSummary: sdist\n"
    )
    (scratch / base / "setup.py").write_text("raise SystemExit('test sdist')\n")
    out = folder / f"{base}.tar.gz"
    with tarfile.open(out, "w:gz") as archive:
        archive.add(scratch / base, arcname=base)
    shutil.rmtree(scratch)
    return out
