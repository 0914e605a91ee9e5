"""``develop --watch`` with real cargo and a real venv: save, and the new code imports."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from cratewright.core.build.plan import BuildOptions
from cratewright.core.develop.watch import DevelopWatch
from cratewright.events import Diagnostic, Event, OutputLine, WatchCycle
from tests.conftest import TEST_CRATES, Venv

pytestmark = pytest.mark.cargo

# A build script whose run time is read from a file it declares as an input, with a
# grandchild process, so a test can make one build slow on purpose and cancel it.
SLOW_BUILD_RS = """
use std::process::Command;
fn main() {
    println!("cargo:rerun-if-changed=sleep.txt");
    let secs: u64 = std::fs::read_to_string("sleep.txt").unwrap().trim().parse().unwrap();
    if secs > 0 {
        println!("cargo:warning=watch-probe sleeping");
        let mut child = Command::new("sleep").arg(format!("{secs}.25")).spawn().unwrap();
        let _ = child.wait();
    }
}
"""


class Session:
    """A DevelopWatch running in a thread, its events collected for the test to wait on."""

    def __init__(self, crate: Path, venv: Venv) -> None:
        self.events: list[Event] = []
        self._lock = threading.Condition()
        self.stop = threading.Event()
        options = BuildOptions(manifest_path=crate)
        self.watch = DevelopWatch(
            options, develop_kwargs={"environment": venv.path}, sink=self._sink
        )
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self.watch.run(self.stop)
        except BaseException as exc:
            self.error = exc
            with self._lock:
                self._lock.notify_all()

    def _sink(self, event: Event) -> None:
        with self._lock:
            self.events.append(event)
            self._lock.notify_all()

    @property
    def cycles(self) -> list[WatchCycle]:
        return [e for e in self.events if isinstance(e, WatchCycle)]

    def wait_for(self, what: Callable[[list[WatchCycle]], bool], timeout: float = 240) -> None:
        deadline = time.monotonic() + timeout
        with self._lock:
            while not what(self.cycles):
                assert self.error is None, self.error
                left = deadline - time.monotonic()
                assert left > 0, [c.line() for c in self.cycles]
                self._lock.wait(left)

    def wait_cycles(self, count: int, timeout: float = 240) -> WatchCycle:
        self.wait_for(lambda cycles: len(cycles) >= count, timeout)
        return self.cycles[count - 1]

    def settle(self, quiet: float = 3.0, timeout: float = 240) -> None:
        """Wait until no cycle has been reported for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        seen = -1
        while time.monotonic() < deadline:
            if len(self.events) == seen:
                return
            seen = len(self.events)
            time.sleep(quiet)
        pytest.fail("the watch never went quiet")

    def close(self) -> None:
        self.stop.set()
        self._thread.join(60)
        assert not self._thread.is_alive()


def _copy(crate: str, tmp_path: Path) -> Path:
    dest = tmp_path / crate
    shutil.copytree(TEST_CRATES / crate, dest, ignore=shutil.ignore_patterns("target", "*.so"))
    return dest


def _value(venv: Venv, code: str) -> str:
    proc = venv.run([venv.python, "-c", code])
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def _save(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


@pytest.fixture
def session_for(make_venv):
    sessions: list[Session] = []

    def start(crate: Path) -> tuple[Session, Venv]:
        venv = make_venv("watch-venv")
        session = Session(crate, venv)
        sessions.append(session)
        first = session.wait_cycles(1)
        assert first.result == "installed", first.line()
        return session, venv

    yield start
    for session in sessions:
        session.close()


def test_mixed_project_rust_python_noise_errors_and_bursts(tmp_path: Path, session_for) -> None:
    crate = _copy("pyo3-mixed", tmp_path)
    session, venv = session_for(crate)
    lib = crate / "src" / "lib.rs"
    multiply = "import pyo3_mixed._native as n; print(n.multiply(2, 3))"
    assert _value(venv, multiply) == "6"
    assert session.watch.inputs.sources == {lib}

    # A Rust edit: rebuilt, and a fresh interpreter imports the new code.
    _save(lib, "a * b\n", "a * b + 100\n")
    cycle = session.wait_cycles(2)
    assert (cycle.action, cycle.result, cycle.trigger) == ("rebuild", "installed", ("src/lib.rs",))
    assert _value(venv, multiply) == "106"

    # A Python edit of the editable install: nothing is compiled, the change is live.
    settled = len(session.events)
    init = crate / "python" / "pyo3_mixed" / "__init__.py"
    init.write_text(init.read_text() + "\nWATCHED = 'yes'\n")
    cycle = session.wait_cycles(3)
    assert (cycle.action, cycle.result) == ("python", "unchanged")
    assert not [e for e in session.events[settled:] if isinstance(e, OutputLine)]
    assert _value(venv, "import pyo3_mixed; print(pyo3_mixed.WATCHED)") == "yes"

    # Noise: build output, byte-code, editor droppings, 1,000 files under target/.
    (crate / "target" / "debug").mkdir(parents=True)
    for i in range(1000):
        (crate / "target" / "debug" / f"noise{i}.o").write_bytes(b"x")
    cache = crate / "python" / "pyo3_mixed" / "__pycache__"
    cache.mkdir(exist_ok=True)
    (cache / "__init__.cpython-311.pyc").write_bytes(b"x")
    (crate / "src" / ".lib.rs.swp").write_bytes(b"x")
    (crate / "src" / "lib.rs~").write_bytes(b"x")
    time.sleep(3)
    assert len(session.cycles) == 3, [c.line() for c in session.cycles]

    # A compile error: diagnostics, and the previous build stays importable; the fix lands.
    _save(lib, "a * b + 100\n", "a * b + \n")
    cycle = session.wait_cycles(4)
    assert cycle.result == "failed"
    assert "previous install is unchanged" in cycle.detail
    assert any(isinstance(e, Diagnostic) and e.level == "error" for e in session.events)
    assert _value(venv, multiply) == "106"
    _save(lib, "a * b + \n", "a * b + 200\n")
    assert session.wait_cycles(5).result == "installed"
    assert _value(venv, multiply) == "206"

    # A burst of 20 saves gives one or two builds, and the last state wins.
    for i in range(20):
        _save(lib, lib.read_text().split("a * b + ")[1].split("\n")[0], str(300 + i))
        time.sleep(0.02)
    session.wait_for(lambda cycles: len(cycles) > 5 and cycles[-1].result != "cancelled")
    session.settle()
    burst = session.cycles[5:]
    finished = [c for c in burst if c.result != "cancelled"]
    assert 1 <= len(finished) <= 2, [c.line() for c in burst]
    assert len(burst) - len(finished) <= 5, [c.line() for c in burst]  # cheap restarts only
    assert burst[-1].result == "installed"
    assert _value(venv, multiply) == "325"


def test_pure_project_is_refreshed_in_place_without_pip(tmp_path: Path, session_for) -> None:
    crate = _copy("pyo3-pure", tmp_path)
    session, venv = session_for(crate)
    assert _value(venv, "import pyo3_pure; print(pyo3_pure.add(1, 2))") == "3"
    settled = len(session.events)
    _save(crate / "src" / "lib.rs", "a + b\n", "a + b + 40\n")
    cycle = session.wait_cycles(2)
    assert (cycle.action, cycle.result) == ("rebuild", "installed")
    assert _value(venv, "import pyo3_pure; print(pyo3_pure.add(1, 2))") == "43"
    pip_lines = [
        e.text for e in session.events[settled:]
        if isinstance(e, OutputLine) and "Installing collected packages" in e.text
    ]  # fmt: skip
    assert pip_lines == []
    # The install still verifies against its RECORD, as pip would leave it.
    check = venv.run([venv.python, "-m", "pip", "show", "-f", "pyo3-pure"])
    assert check.returncode == 0
    proc = venv.run([
        venv.python, "-c",
        "import importlib.metadata as m, hashlib, base64, pathlib\n"
        "d = m.distribution('pyo3-pure')\n"
        "for f in d.files:\n"
        "    if f.hash:\n"
        "        data = pathlib.Path(f.locate()).read_bytes()\n"
        "        got = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=')\n"
        "        assert got.decode() == f.hash.value, f\n"
        "print('ok')",
    ])  # fmt: skip
    assert proc.stdout.strip() == "ok", proc.stderr


def _slow_probe(tmp_path: Path) -> Path:
    crate = _copy("pyo3-pure", tmp_path)
    (crate / "build.rs").write_text(SLOW_BUILD_RS)
    (crate / "sleep.txt").write_text("0\n")
    return crate


def _probe_processes(marker: str) -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if marker in cmdline:
            found.append(f"{proc.name}: {cmdline}")
    return found


def test_a_change_during_a_build_cancels_it_and_starts_over(tmp_path: Path, session_for) -> None:
    crate = _slow_probe(tmp_path)
    session, venv = session_for(crate)
    assert crate / "sleep.txt" in session.watch.inputs.sources  # rerun-if-changed, from dep-info
    started = time.monotonic()
    (crate / "sleep.txt").write_text("300\n")  # the next build would take five minutes
    deadline = time.monotonic() + 120
    while not _probe_processes("sleep 300.25"):
        assert time.monotonic() < deadline, "the slow build never started"
        time.sleep(0.2)
    _save(crate / "src" / "lib.rs", "a + b\n", "a + b + 7\n")
    (crate / "sleep.txt").write_text("0\n")
    session.wait_for(lambda cycles: cycles[-1].result == "installed" and len(cycles) >= 3)
    results = [c.result for c in session.cycles[1:]]
    assert results[0] == "cancelled" and results[-1] == "installed", results
    assert time.monotonic() - started < 200
    assert _probe_processes("sleep 300.25") == []
    assert _value(venv, "import pyo3_pure; print(pyo3_pure.add(1, 2))") == "10"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_ctrl_c_stops_the_watch_and_every_process(tmp_path: Path, make_venv, signum) -> None:
    crate = _slow_probe(tmp_path)
    venv = make_venv("watch-cli")
    proc = subprocess.Popen(
        [sys.executable, "-m", "cratewright", "develop", "--watch", "-m", str(crate),
         "--env", str(venv.path)],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=os.environ.copy(),
    )  # fmt: skip
    lines: list[str] = []
    assert proc.stderr is not None
    for line in proc.stderr:
        lines.append(line)
        if "[1] develop" in line:
            break
    assert "installed" in lines[-1], "".join(lines[-20:])
    (crate / "sleep.txt").write_text("400\n")
    deadline = time.monotonic() + 120
    while not _probe_processes("sleep 400.25"):
        assert time.monotonic() < deadline, "".join(lines[-20:])
        time.sleep(0.2)
    proc.send_signal(signum)
    rest = proc.stderr.read()
    assert proc.wait(60) == 128 + signum
    assert "Watch stopped" in rest and "Traceback" not in rest, rest
    time.sleep(0.5)
    assert _probe_processes("sleep 400.25") == []
    assert _probe_processes(str(crate)) == []


def test_a_first_develop_that_fails_is_retried_when_the_error_is_fixed(
    tmp_path: Path, make_venv
) -> None:
    crate = _copy("pyo3-pure", tmp_path)
    lib = crate / "src" / "lib.rs"
    _save(lib, "a + b\n", "a + \n")
    venv = make_venv("watch-first-fails")
    session = Session(crate, venv)
    try:
        first = session.wait_cycles(1)
        assert first.result == "failed" and first.watched_files > 0, first.line()
        _save(lib, "a + \n", "a + b + 5\n")
        assert session.wait_cycles(2).result == "installed"
        assert _value(venv, "import pyo3_pure; print(pyo3_pure.add(1, 2))") == "8"
    finally:
        session.close()
