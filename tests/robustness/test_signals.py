"""Signals and faults during a real build: SIGTERM / SIGHUP stop it like Ctrl-C (whole
process group, no temp file, one line, exit 143 / 129), and a cargo killed from outside
leaves no rustc behind.

The crate's rustc spends minutes in const evaluation, so there is always a compiler running
when the signal arrives; every test ends it and checks that nothing of it is left.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.cargo

SLOW_MAIN = textwrap.dedent(
    """\
    #![allow(long_running_const_eval)]
    const SPIN: u64 = {
        let mut i: u64 = 0;
        let mut sum: u64 = 0;
        while i < 50_000_000_000 {
            sum = sum.wrapping_add(i ^ (sum >> 3));
            i += 1;
        }
        sum
    };
    fn main() {
        println!("{}", SPIN);
    }
    """
)


def _slow_crate(root: Path) -> Path:
    crate = root / "slowcrate"
    (crate / "src").mkdir(parents=True)
    (crate / "Cargo.toml").write_text(
        '[package]\nname = "slowcrate"\nversion = "0.1.0"\nedition = "2021"\n'
    )
    (crate / "src" / "main.rs").write_text(SLOW_MAIN)
    (crate / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["maturin>=1,<2"]\nbuild-backend = "maturin"\n\n'
        '[project]\nname = "slowcrate"\ndynamic = ["version"]\n\n'
        '[tool.maturin]\nbindings = "bin"\n'
    )
    return crate


def _processes_mentioning(text: str) -> list[tuple[int, str]]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            comm = (entry / "comm").read_text().strip()
        except OSError:
            continue
        if text in cmdline and state not in ("Z", "X"):
            found.append((int(entry.name), f"[{comm}] {cmdline[:200]}"))
    return found


def _wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


class _Build:
    """`cratewright build` of the slow crate, with its own target dir so rustc really runs."""

    def __init__(self, tmp_path: Path) -> None:
        self.crate = _slow_crate(tmp_path)
        self.out = tmp_path / "wheels"
        env = {**os.environ, "CARGO_TARGET_DIR": str(tmp_path / "target")}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "cratewright", "build", "-m", str(self.crate), "-o",
             str(self.out)],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env,
        )  # fmt: skip
        self.marker = str(tmp_path)  # in the crate path (cargo) and the target dir (rustc)

    def wait_for_rustc(self) -> None:
        assert _wait_for(
            lambda: any(c.startswith("[rustc]") for _, c in _processes_mentioning(self.marker)),
            120,
        ), "rustc never started"

    def finish(self, timeout: float = 60) -> tuple[int, list[str]]:
        _, err = self.proc.communicate(timeout=timeout)
        return self.proc.returncode, err.strip().splitlines()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for pid, _ in _processes_mentioning(self.marker):
            with_suppress_kill(pid)


def with_suppress_kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


@pytest.fixture
def build(tmp_path: Path):
    started: list[_Build] = []

    def start() -> _Build:
        started.append(_Build(tmp_path))
        return started[-1]

    yield start
    for b in started:
        b.stop()


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_termination_signal_stops_the_build_like_ctrl_c(build, signum: int, code: int) -> None:
    b = build()
    b.wait_for_rustc()
    b.proc.send_signal(signum)
    returncode, lines = b.finish()
    assert returncode == code, lines
    name = signal.Signals(signum).name
    assert lines[-1] == (
        f"💥 error: stopped by {name}; cargo was stopped and no partial file was left"
    )
    assert not any("Traceback" in line for line in lines)
    assert _wait_for(lambda: not _processes_mentioning(b.marker), 10), _processes_mentioning(
        b.marker
    )
    assert not b.out.exists() or not list(b.out.iterdir()), "nothing, not even a temp file"


def test_cargo_killed_from_outside_leaves_no_rustc(build) -> None:
    b = build()
    b.wait_for_rustc()
    cargo = [
        pid for pid, cmd in _processes_mentioning(b.marker) if cmd.startswith("[cargo]")
    ]  # fmt: skip
    assert cargo, _processes_mentioning(b.marker)
    for pid in cargo:
        os.kill(pid, signal.SIGKILL)
    returncode, lines = b.finish()
    assert returncode == 1, lines
    assert lines[-1].startswith("💥 error: "), lines
    assert _wait_for(lambda: not _processes_mentioning(b.marker), 10), _processes_mentioning(
        b.marker
    )


def test_wheel_writer_removes_its_temp_file_on_sigterm(tmp_path: Path) -> None:
    """SIGTERM while the zip is written (a big member keeps it busy): no `.whl.tmp-*` left."""
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(64 * 1024 * 1024))
    out = tmp_path / "out"
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from cratewright import cli
        from cratewright.core.wheel.writer import WheelWriter

        def write(argv):
            writer = WheelWriter("big", "1.0", ["py3-none-any"])
            for index in range(8):
                writer.add_file(f"big/part{{index}}.bin", Path({str(big)!r}))
            writer.add_dist_info("METADATA", b"Metadata-Version: 2.1\\nName: big\\n")
            writer.write(Path({str(out)!r}))
            return 0

        cli._main = write
        sys.exit(cli.main(["build"]))
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE, text=True)
    assert _wait_for(lambda: out.exists() and any(out.glob(".*.tmp-*")), 60), "no temp file"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert err.strip().splitlines() == [
        "💥 error: stopped by SIGTERM; cargo was stopped and no partial file was left"
    ]
    assert list(out.iterdir()) == []
