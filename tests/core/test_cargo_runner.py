"""run_cargo / run_cargo_capture / find_cargo against the real cargo on tiny crates."""

from __future__ import annotations

import itertools
import json
import os
import signal
import stat
import threading
import time
from pathlib import Path

import pytest

from cratewright.core.cargo.runner import (
    CargoResult,
    find_cargo,
    run_cargo,
    run_cargo_capture,
)
from cratewright.errors import BuildCancelled, CargoError, ProjectError, ToolMissingError
from cratewright.events import (
    CancelToken,
    CargoArtifact,
    CargoMessage,
    Diagnostic,
    Event,
    OutputLine,
    Progress,
    Status,
)

pytestmark = pytest.mark.cargo

JSON_FORMAT = "--message-format=json-diagnostic-rendered-ansi"


def write_crate(
    root: Path,
    name: str,
    *,
    lib: str | None = "pub fn answer() -> u32 { 42 }\n",
    main: str | None = None,
    build_rs: str | None = None,
    deps: tuple[str, ...] = (),
) -> Path:
    """Write a dependency-free crate (path dependencies only) and return its directory."""
    crate = root / name
    (crate / "src").mkdir(parents=True)
    manifest = f'[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\n'
    if build_rs is not None:
        manifest += 'build = "build.rs"\n'
        (crate / "build.rs").write_text(build_rs)
    if deps:
        manifest += "\n[dependencies]\n"
        manifest += "".join(f'{dep} = {{ path = "../{dep}" }}\n' for dep in deps)
    (crate / "Cargo.toml").write_text(manifest)
    if lib is not None:
        (crate / "src" / "lib.rs").write_text(lib)
    if main is not None:
        (crate / "src" / "main.rs").write_text(main)
    return crate


class Recorder:
    """An EventSink that keeps every event and checks it is called on one thread."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.threads: set[int] = set()

    def __call__(self, event: Event) -> None:
        self.threads.add(threading.get_ident())
        self.events.append(event)

    def of(self, kind: type) -> list:
        return [e for e in self.events if isinstance(e, kind)]


@pytest.fixture
def target_env(tmp_path: Path) -> dict[str, str]:
    return {"CARGO_TARGET_DIR": str(tmp_path / "target")}


def test_successful_build_reports_artifacts(tmp_path: Path, target_env: dict[str, str]) -> None:
    crate = write_crate(tmp_path, "tinylib")
    sink = Recorder()
    result = run_cargo(["build", JSON_FORMAT], cwd=crate, sink=sink, extra_env=target_env)

    assert isinstance(result, CargoResult)
    assert result.returncode == 0
    assert result.success is True
    assert result.diagnostics == ()
    [artifact] = result.artifacts
    assert artifact.target_name == "tinylib"
    assert artifact.kinds == ("lib",)
    assert artifact.fresh is False
    assert any(f.endswith("libtinylib.rlib") for f in artifact.filenames)
    assert all(Path(f).is_file() for f in artifact.filenames)
    assert sink.of(CargoArtifact) == [artifact]
    reasons = [m.reason for m in sink.of(CargoMessage)]
    assert reasons[-1] == "build-finished"
    assert sink.of(CargoMessage)[-1].data["success"] is True
    statuses = [s.text for s in sink.of(Status)]
    assert any(s.startswith("Compiling tinylib v0.1.0") for s in statuses)
    assert any(s.startswith("Finished") for s in statuses)
    # stdout JSON never shows up as a raw line; stderr keeps cargo's colours.
    assert not any(line.stream == "stdout" for line in sink.of(OutputLine))
    compiling = [line.text for line in sink.of(OutputLine) if "Compiling" in line.text]
    assert compiling
    assert all("\x1b[" in text for text in compiling)
    assert sink.threads == {threading.get_ident()}

    # A second build is fresh: cargo still reports the artifact.
    again = run_cargo(["build", JSON_FORMAT], cwd=crate, extra_env=target_env)
    assert again.success
    assert [a.fresh for a in again.artifacts] == [True]


def test_compile_error_gives_diagnostics_and_failure(
    tmp_path: Path, target_env: dict[str, str]
) -> None:
    crate = write_crate(
        tmp_path, "broken", lib='pub fn f() -> u32 {\n    let x: u32 = "no";\n    x\n}\n'
    )
    sink = Recorder()
    result = run_cargo(["build", JSON_FORMAT], cwd=crate, sink=sink, extra_env=target_env)

    assert result.success is False
    assert result.returncode == 101
    assert result.artifacts == ()
    errors = [d for d in result.diagnostics if d.level == "error"]
    mismatch = next(d for d in errors if d.code == "E0308")
    assert mismatch.message == "mismatched types"
    assert mismatch.file == "src/lib.rs"
    assert (mismatch.line, mismatch.column) == (2, 18)
    assert "\x1b[" in mismatch.rendered  # json-diagnostic-rendered-ansi keeps colours
    assert "mismatched types" in mismatch.rendered
    assert sink.of(Diagnostic) == list(result.diagnostics)
    finished = [m for m in sink.of(CargoMessage) if m.reason == "build-finished"]
    assert [m.data["success"] for m in finished] == [False]
    assert any("could not compile" in line.text for line in sink.of(OutputLine))


def test_exit_status_alone_marks_failure(tmp_path: Path, target_env: dict[str, str]) -> None:
    """Without JSON (no build-finished message) the exit status decides."""
    crate = write_crate(tmp_path, "noformat")
    sink = Recorder()
    result = run_cargo(["no-such-subcommand-xyz"], cwd=crate, sink=sink, extra_env=target_env)
    assert result.success is False
    assert result.returncode != 0
    assert any("no such command" in line.text for line in sink.of(OutputLine))


def test_workspace_build_reports_unit_progress(tmp_path: Path, target_env: dict[str, str]) -> None:
    (tmp_path / "Cargo.toml").write_text(
        '[workspace]\nmembers = ["app", "b", "c", "d"]\nresolver = "2"\n'
    )
    for name in ("b", "c", "d"):
        write_crate(tmp_path, name)
    write_crate(
        tmp_path,
        "app",
        lib="pub fn total() -> u32 { b::answer() + c::answer() + d::answer() }\n",
        deps=("b", "c", "d"),
    )
    sink = Recorder()
    result = run_cargo(["build", JSON_FORMAT], cwd=tmp_path, sink=sink, extra_env=target_env)

    assert result.success
    assert {a.target_name for a in result.artifacts} == {"app", "b", "c", "d"}
    progress = sink.of(Progress)
    assert progress, "cargo's progress bar was not parsed"
    assert {p.total for p in progress} == {4}
    assert all(0 <= p.current < p.total for p in progress)
    currents = [p.current for p in progress]
    assert currents == sorted(currents)
    assert any(p.detail for p in progress)
    # Consecutive identical readings are collapsed.
    assert all(a != b for a, b in itertools.pairwise(progress))
    # Redraws are events, not log lines.
    assert not any("Building [" in line.text for line in sink.of(OutputLine))
    assert not any(line.text.strip() == "" for line in sink.of(OutputLine))


def test_caller_environment_wins_over_defaults(tmp_path: Path, target_env: dict[str, str]) -> None:
    crate = write_crate(tmp_path, "plain")
    sink = Recorder()
    env = {
        **target_env,
        "CARGO_TERM_COLOR": "never",
        "CARGO_TERM_PROGRESS_WHEN": "never",
    }
    result = run_cargo(["build", JSON_FORMAT], cwd=crate, sink=sink, extra_env=env)
    assert result.success
    lines = [line.text for line in sink.of(OutputLine)]
    assert any(text.startswith("   Compiling plain") for text in lines)
    assert not any("\x1b[" in text for text in lines)
    assert sink.of(Progress) == []


def test_stdout_non_json_lines_pass_through(tmp_path: Path, target_env: dict[str, str]) -> None:
    crate = write_crate(
        tmp_path,
        "talker",
        lib=None,
        main=(
            "fn main() {\n"
            '    println!("hello from the binary: größe 🦀");\n'
            '    println!("{{not json");\n'
            '    eprintln!("to stderr ✓");\n'
            "}\n"
        ),
    )
    sink = Recorder()
    result = run_cargo(["run", JSON_FORMAT], cwd=crate, sink=sink, extra_env=target_env)
    assert result.success
    stdout = [line.text for line in sink.of(OutputLine) if line.stream == "stdout"]
    assert stdout == ["hello from the binary: größe 🦀", "{not json"]
    stderr = [line.text for line in sink.of(OutputLine) if line.stream == "stderr"]
    assert "to stderr ✓" in stderr
    [artifact] = result.artifacts
    assert artifact.executable is not None
    assert Path(artifact.executable).is_file()


def test_build_script_messages_are_collected(tmp_path: Path, target_env: dict[str, str]) -> None:
    build_rs = (
        "fn main() {\n"
        '    println!("cargo:rustc-link-search=native=/opt/cw-test-libs");\n'
        '    println!("cargo:rustc-cfg=cw_test");\n'
        "}\n"
    )
    crate = write_crate(tmp_path, "withbuild", build_rs=build_rs)
    result = run_cargo(["build", JSON_FORMAT], cwd=crate, extra_env=target_env)
    assert result.success
    [script] = result.build_scripts
    assert script["reason"] == "build-script-executed"
    assert script["linked_paths"] == ["native=/opt/cw-test-libs"]
    assert script["cfgs"] == ["cw_test"]


# --- cancellation -------------------------------------------------------------------------

SPAWNING_BUILD_RS = r"""
use std::process::Command;
fn main() {
    let pidfile = std::env::var("CW_PIDFILE").unwrap();
    let child = Command::new("sh")
        .arg("-c")
        .arg(std::env::var("CW_CHILD_SCRIPT").unwrap())
        .spawn()
        .unwrap();
    let tmp = format!("{pidfile}.tmp");
    std::fs::write(&tmp, format!("{} {}", std::process::id(), child.id())).unwrap();
    std::fs::rename(&tmp, &pidfile).unwrap();
    std::thread::sleep(std::time::Duration::from_secs(300));
}
"""


def proc_stat(pid: int) -> tuple[str, int] | None:
    """(state, pgrp) of a process, None if it no longer exists."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rfind(")") + 2 :].split()
    return fields[0], int(fields[2])


def live_members(pgid: int) -> list[int]:
    """Pids of non-zombie processes in process group ``pgid``."""
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            info = proc_stat(int(entry.name))
            if info is not None and info[1] == pgid and info[0] not in ("Z", "X"):
                members.append(int(entry.name))
    return members


def start_hanging_build(
    tmp_path: Path, target_env: dict[str, str], child_script: str
) -> tuple[Path, dict[str, str]]:
    crate = write_crate(tmp_path, "hangs", build_rs=SPAWNING_BUILD_RS)
    pidfile = tmp_path / "pids.txt"
    env = {**target_env, "CW_PIDFILE": str(pidfile), "CW_CHILD_SCRIPT": child_script}
    return crate, env


class Watcher(threading.Thread):
    """Waits for the build script's pid file, records the pids, then fires ``action``."""

    def __init__(self, pidfile: Path, action) -> None:
        super().__init__(daemon=True)
        self.pidfile = pidfile
        self.action = action
        self.pids: list[int] = []
        self.pgid: int | None = None
        self.fired_at = 0.0

    def run(self) -> None:
        deadline = time.monotonic() + 120
        while not self.pidfile.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        if self.pidfile.exists():
            script_pid, child_pid = map(int, self.pidfile.read_text().split())
            time.sleep(0.3)  # let the shell start its `sleep`
            self.pids = [script_pid, child_pid]
            info = proc_stat(child_pid)
            self.pgid = info[1] if info else None
        self.fired_at = time.monotonic()
        self.action()


def assert_tree_gone(pids: list[int], pgid: int | None) -> None:
    """cargo (the group leader) is reaped and nothing in its group or ``pids`` still runs."""
    assert pids, "the build script never wrote its pid file"
    assert pgid is not None
    # cargo leads the group (new session): it must be reaped, not left as a zombie.
    assert proc_stat(pgid) is None
    assert live_members(pgid) == []
    for pid in pids:
        info = proc_stat(pid)
        assert info is None or info[0] == "Z", f"pid {pid} survived: {info}"


def test_cancel_kills_the_whole_process_tree(tmp_path: Path, target_env: dict[str, str]) -> None:
    crate, env = start_hanging_build(tmp_path, target_env, "sleep 300")
    token = CancelToken()
    watcher = Watcher(Path(env["CW_PIDFILE"]), token.cancel)
    watcher.start()
    sink = Recorder()
    with pytest.raises(BuildCancelled) as info:
        run_cargo(["build", JSON_FORMAT], cwd=crate, sink=sink, cancel=token, extra_env=env)
    cancelled_at = time.monotonic()
    watcher.join(5)
    assert str(info.value) == "Build cancelled; cargo and its child processes were stopped."
    assert_tree_gone(watcher.pids, watcher.pgid)
    # The sleeping shell child got SIGTERM, so no 3 s SIGKILL grace period was needed.
    assert cancelled_at - watcher.fired_at < 2.5
    assert any(isinstance(e, Progress) for e in sink.events)


def test_children_ignoring_sigterm_are_killed(tmp_path: Path, target_env: dict[str, str]) -> None:
    # The shell and its `sleep` ignore SIGTERM (an ignored signal stays ignored across exec).
    crate, env = start_hanging_build(tmp_path, target_env, "trap '' TERM; sleep 300; true")
    token = CancelToken()
    watcher = Watcher(Path(env["CW_PIDFILE"]), token.cancel)
    watcher.start()
    started = time.monotonic()
    with pytest.raises(BuildCancelled):
        run_cargo(["build", JSON_FORMAT], cwd=crate, cancel=token, extra_env=env)
    watcher.join(5)
    assert_tree_gone(watcher.pids, watcher.pgid)
    assert time.monotonic() - started >= 3.0  # waited out the SIGTERM grace period


def test_keyboard_interrupt_kills_the_tree_and_reraises(
    tmp_path: Path, target_env: dict[str, str]
) -> None:
    crate, env = start_hanging_build(tmp_path, target_env, "sleep 300")
    watcher = Watcher(Path(env["CW_PIDFILE"]), lambda: os.kill(os.getpid(), signal.SIGINT))
    watcher.start()
    with pytest.raises(KeyboardInterrupt):
        run_cargo(["build", JSON_FORMAT], cwd=crate, extra_env=env)
    watcher.join(5)
    assert_tree_gone(watcher.pids, watcher.pgid)


def test_cancel_before_start_runs_nothing(tmp_path: Path) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(BuildCancelled):
        run_cargo(["build"], cwd=tmp_path, cancel=token)


# --- finding cargo ------------------------------------------------------------------------


def test_cargo_env_pointing_nowhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "nope" / "cargo"
    monkeypatch.setenv("CARGO", str(missing))
    with pytest.raises(ToolMissingError) as info:
        find_cargo()
    assert str(missing) in str(info.value)
    with pytest.raises(ToolMissingError):
        run_cargo(["build"], cwd=tmp_path)
    with pytest.raises(ToolMissingError):
        run_cargo_capture(["metadata"], tmp_path)


def test_cargo_env_pointing_at_non_executable(tmp_path: Path) -> None:
    fake = tmp_path / "cargo"
    fake.write_text("not a program")
    with pytest.raises(ToolMissingError):
        find_cargo({"CARGO": str(fake), "PATH": os.environ["PATH"]})


def test_no_cargo_anywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    env = {"PATH": str(tmp_path), "CARGO_HOME": str(tmp_path / "cargo-home")}
    with pytest.raises(ToolMissingError) as info:
        find_cargo(env)
    assert str(info.value) == (
        "cargo was not found. Install Rust from https://rustup.rs (or set $CARGO)"
    )


def test_cargo_found_on_path_and_via_home_fallback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = find_cargo()
    assert Path(real).name == "cargo"
    assert os.access(real, os.X_OK)
    home_bin = tmp_path / ".cargo" / "bin"
    home_bin.mkdir(parents=True)
    fake = home_bin / "cargo"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert find_cargo({"PATH": str(tmp_path / "empty")}) == str(fake)


def test_missing_cwd_is_a_project_error(tmp_path: Path) -> None:
    with pytest.raises(ProjectError):
        run_cargo(["build"], cwd=tmp_path / "does-not-exist")


# --- run_cargo_capture --------------------------------------------------------------------


def test_capture_returns_stdout(tmp_path: Path) -> None:
    crate = write_crate(tmp_path, "meta")
    out = run_cargo_capture(["metadata", "--format-version", "1", "--no-deps"], crate)
    data = json.loads(out)
    assert [p["name"] for p in data["packages"]] == ["meta"]


def test_capture_failure_carries_cargos_error(tmp_path: Path) -> None:
    crate = tmp_path / "bad"
    crate.mkdir()
    (crate / "Cargo.toml").write_text("[package\nname = 1\n")
    with pytest.raises(CargoError) as info:
        run_cargo_capture(["metadata", "--format-version", "1", "--no-deps"], crate)
    message = str(info.value)
    assert message.startswith(
        "`cargo metadata --format-version 1 --no-deps` failed (exit status 101)"
    )
    assert "error: unclosed table, expected `]`" in message
    assert "Cargo.toml:1:9" in message
    assert "\x1b[" not in message


def test_capture_cancel_stops_the_command(tmp_path: Path) -> None:
    """A hanging command (a stand-in cargo that waits on a child) is stopped on cancel."""
    pidfile = tmp_path / "child.pid"
    fake = tmp_path / "slow-cargo"
    fake.write_text(
        f"#!/bin/sh\nsleep 300 &\necho $! > {pidfile}.tmp\nmv {pidfile}.tmp {pidfile}\nwait\n"
    )
    fake.chmod(0o755)
    token = CancelToken()
    env = {**os.environ, "CARGO": str(fake)}
    seen: dict[str, int] = {}

    def read_single_pid() -> None:
        try:
            deadline = time.monotonic() + 30
            while not pidfile.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            seen["pid"] = int(pidfile.read_text())
            info = proc_stat(seen["pid"])
            if info is not None:
                seen["pgid"] = info[1]
        finally:
            token.cancel()

    thread = threading.Thread(target=read_single_pid, daemon=True)
    thread.start()
    started = time.monotonic()
    with pytest.raises(BuildCancelled):
        run_cargo_capture(["metadata"], tmp_path, env=env, cancel=token)
    thread.join(5)
    assert time.monotonic() - started < 10
    assert_tree_gone([seen["pid"]], seen.get("pgid"))


def test_returns_when_a_leftover_child_holds_the_pipe(
    tmp_path: Path, target_env: dict[str, str]
) -> None:
    """`cargo run` of a program that leaves a background child writing to our stdout."""
    crate = write_crate(
        tmp_path,
        "daemonish",
        lib=None,
        main=(
            "fn main() {\n"
            '    let child = std::process::Command::new("sleep").arg("30").spawn().unwrap();\n'
            '    println!("child {}", child.id());\n'
            "}\n"
        ),
    )
    sink = Recorder()
    started = time.monotonic()
    result = run_cargo(["run", JSON_FORMAT], cwd=crate, sink=sink, extra_env=target_env)
    elapsed = time.monotonic() - started
    child_line = next(line.text for line in sink.of(OutputLine) if line.text.startswith("child "))
    child_pid = int(child_line.split()[1])
    try:
        assert result.success
        assert elapsed < 10  # cargo's exit plus the short drain grace, not the child's 30 s
        info = proc_stat(child_pid)
        assert info is not None and info[0] != "Z"  # a normal exit does not kill anything
    finally:
        os.kill(child_pid, signal.SIGKILL)
