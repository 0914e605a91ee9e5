"""Wheels, repair and audit: hostile inputs and output folders end in one clear error.

The net at the end mutates real wheels (names, sizes, bytes, member paths) and runs
``cratewright repair`` on each, in-process through the CLI's ``main``: only exit 0 or 1 with
a `💥 error:` line, never the last resort's exit 70, and a deadline per example.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cratewright import cli
from cratewright.core.audit.repair import repair_wheel
from cratewright.core.audit.report import audit_path
from cratewright.core.user_files import prepare_output_dir
from cratewright.errors import AuditError, BuildError
from tests.core.test_audit_support import make_wheel, private_extension

EXT = "demo.cpython-311-x86_64-linux-gnu.so"
EXAMPLES = int(os.environ.get("CRATEWRIGHT_FUZZ_EXAMPLES", "2000")) // 4
STATS: dict[str, int] = {"cases": 0, "repaired": 0, "expected": 0}


def _run(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(argv))
    return code, err.getvalue() + out.getvalue()


@pytest.fixture(scope="module")
def extension(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return private_extension(tmp_path_factory.mktemp("ext"))


@pytest.fixture
def unrepaired(
    tmp_path: Path, extension: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> Path:
    ext, helper = extension
    monkeypatch.setenv("LD_LIBRARY_PATH", str(helper.parent))
    return make_wheel(tmp_path / "dist", {f"demo/{EXT}": ext, "demo/__init__.py": b""})


# -- FIFOs and other special files never block --------------------------------------------


@pytest.mark.parametrize("name", ["x.so", "x.whl", "libx.so.1"])
def test_audit_of_a_fifo_is_refused_at_once(tmp_path: Path, name: str) -> None:
    fifo = tmp_path / name
    os.mkfifo(fifo)
    proc = subprocess.run(
        [sys.executable, "-m", "cratewright", "audit", str(fifo)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.strip().splitlines() == [
        f"💥 error: the path to audit `{fifo}` cannot be used: it is a named pipe (FIFO), "
        "not a regular file"
    ]


def test_repair_and_upload_checks_refuse_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "demo-1.0-cp311-cp311-linux_x86_64.whl"
    os.mkfifo(fifo)
    start = time.monotonic()
    with pytest.raises(AuditError, match="named pipe"):
        repair_wheel(fifo, tmp_path / "out")
    from cratewright.core.publish import check_distribution

    check = check_distribution(fifo)
    assert check.errors and "named pipe" in check.errors[0]
    assert time.monotonic() - start < 10


def test_a_fifo_inside_an_audited_folder_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "dir").mkdir()
    os.mkfifo(tmp_path / "dir" / "x.so")
    report = audit_path(tmp_path / "dir")
    assert report is not None


# -- repair ----------------------------------------------------------------------------------


def test_repair_of_a_wheel_with_a_5kb_member_path(tmp_path: Path, unrepaired: Path) -> None:
    long_name = "demo/" + "/".join(["d" * 200] * 25) + "/x.py"
    with zipfile.ZipFile(unrepaired) as src:
        members = {i.filename: src.read(i) for i in src.infolist()}
    members[long_name] = b""
    wheel = make_wheel(
        tmp_path / "long", {k: v for k, v in members.items() if ".dist-info/" not in k}
    )
    assert audit_path(wheel).tag  # the audit of it is fine
    code, text = _run("repair", str(wheel), "-o", str(tmp_path / "out"))
    assert code == 1, text
    assert "internal error" not in text and "Traceback" not in text
    assert f"({len(long_name)} characters) cannot be unpacked here" in text
    assert not list((tmp_path / "out").glob("*")), "no partial wheel is left"


@pytest.mark.parametrize("target", ["passwd", "passwd/below"])
def test_repair_into_a_file_is_refused_before_work(
    tmp_path: Path, unrepaired: Path, target: str
) -> None:
    """`repair WHEEL -o /etc/passwd`, played on a stand-in: an existing file is never touched."""
    existing = tmp_path / "passwd"
    existing.write_text("root:x:0:0:root:/root:/bin/bash\n")
    before = existing.read_bytes()
    code, text = _run("repair", str(unrepaired), "-o", str(tmp_path / target))
    assert code == 1, text
    last = text.strip().splitlines()[-1]
    assert last.startswith("💥 error: the output directory `"), text
    assert "it is a file, not a folder" in last or "a file of that name is in the way" in last
    assert existing.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist", "passwd"]


# -- output folders checked before compiling ------------------------------------------------


def _mounted_tmpfs(path: Path, options: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
                          capture_output=True, check=False)  # fmt: skip
    return proc.returncode == 0


@pytest.fixture
def tmpfs(tmp_path: Path):
    mounted: list[Path] = []

    def mount(name: str, options: str) -> Path:
        path = tmp_path / name
        if not _mounted_tmpfs(path, options):
            pytest.fail("mounting a tmpfs needs root (this machine and CI run as root)")
        mounted.append(path)
        return path

    yield mount
    for path in mounted:
        subprocess.run(["umount", "-l", str(path)], check=False)


def test_output_dir_read_only(tmpfs) -> None:
    folder = tmpfs("ro", "ro,size=2m")
    with pytest.raises(BuildError, match="its file system is read-only"):
        prepare_output_dir(folder, "the output directory", error=BuildError)


def test_output_dir_full(tmpfs) -> None:
    folder = tmpfs("full", "size=2m")
    (folder / "filler").write_bytes(b"\0" * (2 * 1024 * 1024 - 4096 * 4))
    with pytest.raises(BuildError, match="no space is left on its file system"):
        prepare_output_dir(folder, "the output directory", error=BuildError)
    assert sorted(p.name for p in folder.iterdir()) == ["filler"], "the probe is removed"


def test_output_dir_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(BuildError, match="it is a file, not a folder"):
        prepare_output_dir(tmp_path / "f", "the output directory", error=BuildError)
    with pytest.raises(BuildError, match="a file of that name is in the way"):
        prepare_output_dir(tmp_path / "f" / "sub", "the output directory", error=BuildError)


@pytest.mark.cargo
def test_cli_build_checks_the_out_dir_before_compiling(tmp_path: Path, tmpfs) -> None:
    from tests.conftest import TEST_CRATES, run_cratewright

    full = tmpfs("full", "size=2m")
    (full / "filler").write_bytes(b"\0" * (2 * 1024 * 1024 - 4096 * 4))
    (tmp_path / "file").write_text("x")
    for out, reason in ((full, "no space is left"), (tmp_path / "file", "not a folder")):
        proc = run_cratewright("build", "-m", TEST_CRATES / "hello-bin", "-o", out)
        assert proc.returncode == 1, proc.stderr
        assert "Compiling" not in proc.stderr, "found before cargo compiles anything"
        assert reason in proc.stderr.strip().splitlines()[-1]


# -- the net: mutated wheels through `cratewright repair` ----------------------------------

mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(min_value=0), st.binary(min_size=1, max_size=4)),
    st.tuples(st.just("cut"), st.integers(min_value=0), st.just(b"")),
    st.tuples(st.just("member"), st.sampled_from([
        "../evil.py", "/abs.py", "demo/" + "n" * 300 + ".py", "demo/" + "/".join(["p"] * 3000),
        "demo/\0nul.py", "demo/x\\y.py", "demo.libs/libfake.so", "demo/dup.py", "",
        "demo-1.0.dist-info/RECORD", "demo-1.0.dist-info/WHEEL", "demo/" + "é" * 100,
    ]), st.binary(max_size=64)),
    st.tuples(st.just("drop"), st.sampled_from(["METADATA", "WHEEL", "RECORD", EXT]),
              st.just(b"")),
    st.tuples(st.just("wheelfile"), st.sampled_from([
        b"", b"Wheel-Version: 9.0\n", b"Tag: nonsense\n", b"\xff\xfe", b"Root-Is-Purelib: true\n",
        b"Wheel-Version: 1.0\nTag: cp311-cp311-" + b"x" * 5000 + b"\n",
    ]), st.just(b"")),
)  # fmt: skip


def _mutated(base: Path, target: Path, mutations: list[tuple[str, object, bytes]]) -> Path:
    with zipfile.ZipFile(base) as src:
        members = [(i, src.read(i)) for i in src.infolist()]
    extra: list[tuple[str, bytes]] = []
    for kind, where, payload in mutations:
        if kind == "member":
            extra.append((str(where), payload))
        elif kind == "drop":
            members = [(i, d) for i, d in members if not i.filename.endswith(str(where))]
        elif kind == "wheelfile":
            members = [
                (i, where if i.filename.endswith(".dist-info/WHEEL") else d)  # type: ignore[misc]
                for i, d in members
            ]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in members:
            out.writestr(info, data)
        for name, data in extra:
            with contextlib.suppress(ValueError, OSError, IndexError):
                out.writestr(name, data)
    raw = bytearray(target.read_bytes())
    for kind, where, payload in mutations:
        if kind == "flip" and raw:
            at = int(where) % len(raw)  # type: ignore[call-overload]
            raw[at : at + len(payload)] = payload
        elif kind == "cut" and raw:
            del raw[int(where) % len(raw) :]  # type: ignore[call-overload]
    target.write_bytes(bytes(raw))
    return target


@pytest.fixture(scope="module")
def library_path(extension: tuple[Path, Path]):
    """LD_LIBRARY_PATH finds the private library for this module's examples, then is restored."""
    patch = pytest.MonkeyPatch()
    patch.setenv("LD_LIBRARY_PATH", str(extension[1].parent))
    yield
    patch.undo()


@pytest.fixture(scope="module")
def base_wheel(tmp_path_factory: pytest.TempPathFactory, extension: tuple[Path, Path]) -> Path:
    ext, _helper = extension
    return make_wheel(tmp_path_factory.mktemp("base"), {f"demo/{EXT}": ext, "demo/a.py": b"x"})


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,  # measured around the repair only, below
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(mutations=st.lists(mutation, min_size=1, max_size=4))
def test_mutated_wheels_repair_cleanly(
    base_wheel: Path,
    library_path: None,
    tmp_path_factory: pytest.TempPathFactory,
    mutations: list[tuple[str, object, bytes]],
) -> None:
    work = tmp_path_factory.mktemp("case")
    wheel = _mutated(base_wheel, work / base_wheel.name, mutations)
    STATS["cases"] += 1
    start = time.monotonic()
    code, text = _run("repair", str(wheel), "-o", str(work / "out"))
    assert time.monotonic() - start < 60, "one repair took too long"
    assert code in (0, 1), text
    assert "internal error" not in text and "Traceback" not in text, text
    if code == 0:
        STATS["repaired"] += 1
        (repaired,) = (work / "out").glob("*.whl")
        with zipfile.ZipFile(repaired) as zf:
            assert zf.testzip() is None
    else:
        STATS["expected"] += 1
        assert text.strip().splitlines()[-1].startswith(("💥 error: ", "  hint: ")), text
        assert not list((work / "out").glob("*.whl*")) if (work / "out").exists() else True


def test_report_counts() -> None:
    print(f"\nwheels/repair: {STATS}")
    assert STATS["cases"] > 0 or EXAMPLES == 0
