"""Tests for interpreter probing, tags, ``-i`` resolution and ``--find-interpreter``.

Real interpreters are discovered from the file system (pyenv, /usr/bin, the running Python),
so the tests run on any Linux machine with at least one Python 3.7+. Each one is checked
against what it says about itself through an independent one-liner. Failure modes use small
shell scripts in tmp_path that act as broken interpreters.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

from cratewright.core import interpreters as mod
from cratewright.core.interpreters import (
    InterpreterInfo,
    InterpreterSpec,
    calculate_abi_tag,
    check_requires_python,
    default_interpreter,
    discover_interpreters,
    find_interpreters,
    interpreter_from_metadata,
    parse_interpreter_spec,
    probe_interpreter,
    resolve_interpreter_request,
    resolve_interpreters,
)
from cratewright.errors import InterpreterError
from cratewright.events import Message

# --------------------------------------------------------------------------------------------
# Real interpreters on this machine
# --------------------------------------------------------------------------------------------

_NAME = re.compile(r"(python|pypy)(2\.7|3|3\.\d+t?)?$")


def _real_interpreters() -> list[Path]:
    """One path per distinct interpreter binary found in the usual places."""
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates = [
        *sorted(pyenv_root.glob("versions/*/bin/python*")),
        *sorted(Path("/usr/bin").glob("python3*")),
        *sorted(Path("/usr/local/bin").glob("python3*")),
        *sorted(Path("/usr/bin").glob("pypy3*")),
        Path(sys.executable),
    ]
    seen: set[tuple[Path, bool]] = set()
    found: list[Path] = []
    for path in candidates:
        if not _NAME.fullmatch(path.name) or not path.is_file() or not os.access(path, os.X_OK):
            continue
        # A venv's python is the same binary as its base but answers differently.
        key = (path.resolve(), (path.parent.parent / "pyvenv.cfg").is_file())
        if key not in seen:
            seen.add(key)
            found.append(path)
    return found


REAL = _real_interpreters()

_VERSION_ONE_LINER = "import sys; print('%d %d' % sys.version_info[:2])"

# Independent of _probe.py: other APIs for the same facts where there are any.
_TRUTH_ONE_LINER = textwrap.dedent(
    """
    import importlib.machinery, json, platform, sys, sysconfig

    def importable(name):
        try:
            __import__(name)
            return True
        except Exception:
            return False

    try:
        from pip._vendor.packaging import tags
        sys_tags = [str(tag) for tag in tags.sys_tags()]
    except Exception:
        sys_tags = None

    print(json.dumps({
        "implementation_name": sys.implementation.name,
        "executable": sys.executable,
        "major": sys.version_info.major,
        "minor": sys.version_info.minor,
        "kind": platform.python_implementation().lower(),
        "abiflags": getattr(sys, "abiflags", ""),
        "ext_suffix": importlib.machinery.EXTENSION_SUFFIXES[0],
        "soabi": sysconfig.get_config_var("SOABI"),
        "platform": sysconfig.get_platform(),
        "system": platform.system().lower(),
        "pointer_width": 64 if sys.maxsize > 2**32 else 32,
        "gil_disabled": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        "has_cffi": importable("cffi"),
        "has_pip": importable("pip"),
        "is_venv": sys.prefix != sys.base_prefix,
        "base_executable": getattr(sys, "_base_executable", None),
        "sys_tags": sys_tags,
    }))
    """
)


def _run(exe: Path | str, code: str) -> str:
    return subprocess.run(
        [str(exe), "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout


def _version(exe: Path) -> tuple[int, int]:
    major, minor = _run(exe, _VERSION_ONE_LINER).split()
    return int(major), int(minor)


def _supported_real() -> list[Path]:
    return [exe for exe in REAL if _version(exe) >= (3, 7)]


@pytest.fixture(autouse=True)
def _fresh_cache():
    mod.clear_probe_cache()
    yield
    mod.clear_probe_cache()


def test_at_least_one_real_interpreter_is_found():
    assert Path(sys.executable) in REAL
    assert _supported_real()


@pytest.mark.parametrize("exe", REAL, ids=str)
def test_probe_matches_what_each_interpreter_says_about_itself(exe: Path):
    major, minor = _version(exe)
    if (major, minor) < (3, 7):
        with pytest.raises(InterpreterError) as err:
            probe_interpreter(exe)
        assert str(err.value) == (
            f"Only python >= 3.7 is supported, while you're using python {major}.{minor} at {exe}"
        )
        return

    info = probe_interpreter(exe)
    truth = json.loads(subprocess.run(
        [str(exe), "-I", "-c", _TRUTH_ONE_LINER], capture_output=True, text=True, check=True
    ).stdout)  # fmt: skip

    assert info.executable == Path(truth["executable"])
    assert info.implementation_name == truth["implementation_name"]
    assert info.implementation == truth["kind"]
    assert (info.major, info.minor) == (truth["major"], truth["minor"]) == (major, minor)
    expected_flags = truth["abiflags"] if truth["kind"] == "cpython" else ""
    assert info.abiflags == expected_flags
    assert info.ext_suffix == truth["ext_suffix"]
    assert info.soabi == truth["soabi"]
    assert info.platform == truth["platform"]
    assert info.system == truth["system"] == "linux"
    assert info.pointer_width == truth["pointer_width"]
    assert info.gil_disabled is truth["gil_disabled"]
    assert info.has_cffi is truth["has_cffi"]
    assert info.has_pip is truth["has_pip"]
    assert info.is_venv is truth["is_venv"]
    base = truth["base_executable"]
    assert info.base_executable == (Path(base) if base else None)

    prefix = {"cpython": "cp", "pypy": "pp"}[info.implementation]
    assert info.python_tag == f"{prefix}{major}{minor}"
    assert (
        info.display == f"{info.kind_display} {major}.{minor}{info.abiflags} at {info.executable}"
    )
    assert info.extension_filename("foo") == "foo" + truth["ext_suffix"]
    assert info.native_platform_tag == truth["platform"].replace("-", "_").replace(".", "_")
    assert info.supports_abi3 is (info.implementation == "cpython" and not info.gil_disabled)
    if truth["sys_tags"] is not None:
        # The interpreter itself (via pip's packaging) accepts the tag we would give a wheel.
        assert info.wheel_tag(info.native_platform_tag) in truth["sys_tags"]


def test_probe_of_the_running_venv_python_reports_the_venv():
    info = probe_interpreter(sys.executable)
    assert info.executable == Path(sys.executable)
    assert info.is_venv is (sys.prefix != sys.base_prefix)
    assert info.has_pip is True  # the dev venv has pip


@pytest.mark.parametrize("exe", [p for p in REAL if p.name.startswith("pypy")], ids=str)
def test_pypy_tags_come_from_ext_suffix(exe: Path):
    info = probe_interpreter(exe)
    assert info.implementation == "pypy"
    assert info.abiflags == ""
    soabi = info.ext_suffix.split(".")[1]  # e.g. pypy39-pp73-x86_64-linux-gnu
    assert info.abi_tag == "_".join(soabi.split("-")[:2])
    assert info.python_tag == f"pp{info.major}{info.minor}"
    assert info.wheel_tag("linux_x86_64") == f"{info.python_tag}-{info.abi_tag}-linux_x86_64"
    assert not info.supports_abi3


def test_python_36_is_rejected_with_the_interpreters_own_version(tmp_path: Path):
    real36 = [p for p in REAL if _version(p) == (3, 6)]
    metadata = {"major": 3, "minor": 6, "interpreter": "cpython", "abiflags": "m"}
    fake = _fake_json(tmp_path / "python3.6", metadata)
    for exe in [*real36, fake]:
        with pytest.raises(InterpreterError) as err:
            probe_interpreter(exe)
        assert str(err.value) == (
            f"Only python >= 3.7 is supported, while you're using python 3.6 at {exe}"
        )


def test_probe_script_runs_on_every_real_interpreter_even_too_old_ones():
    source = mod.probe_source()
    for exe in REAL:
        args = ["-I", "-c", source] if _version(exe) >= (3, 4) else ["-E", "-s", "-c", source]
        out = subprocess.run([str(exe), *args], capture_output=True, text=True, check=True)
        data = json.loads(out.stdout)
        assert set(data) >= {
            "implementation_name", "executable", "major", "minor", "abiflags", "interpreter",
            "ext_suffix", "soabi", "platform", "system", "pointer_width", "gil_disabled",
            "has_cffi", "has_pip", "is_venv", "base_executable",
        }  # fmt: skip


# --------------------------------------------------------------------------------------------
# Broken interpreters
# --------------------------------------------------------------------------------------------


def _script(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


def _metadata(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "implementation_name": "cpython",
        "executable": None,
        "major": 3,
        "minor": 12,
        "abiflags": "",
        "interpreter": "cpython",
        "ext_suffix": ".cpython-312-x86_64-linux-gnu.so",
        "soabi": "cpython-312-x86_64-linux-gnu",
        "platform": "linux-x86_64",
        "system": "linux",
        "pointer_width": 64,
        "gil_disabled": False,
        "has_cffi": False,
        "has_pip": True,
        "is_venv": False,
        "base_executable": None,
    }
    data.update(overrides)
    return data


def _fake_json(path: Path, metadata: dict[str, object], *, record: Path | None = None) -> Path:
    """A fake interpreter that prints ``metadata`` (executable defaults to itself)."""
    full = _metadata(**metadata)
    if full["executable"] is None:
        full["executable"] = str(path)
    marker = f"echo run >> '{record}'\n" if record else ""
    # Shell builtins only: tests may set PATH to a directory of fakes.
    return _script(path, f"{marker}printf '%s\\n' {shlex.quote(json.dumps(full))}\n")


def test_script_that_fails_reports_its_own_error(tmp_path: Path):
    exe = _script(tmp_path / "python3", "echo 'Fatal Python error: init_fs_encoding' >&2\nexit 1\n")
    with pytest.raises(InterpreterError) as err:
        probe_interpreter(exe)
    assert str(err.value) == (
        f"Trying to get metadata from the python interpreter '{exe}' failed (exit code 1): "
        "Fatal Python error: init_fs_encoding"
    )


def test_traceback_is_summarised_by_its_last_line(tmp_path: Path):
    exe = _script(
        tmp_path / "python3",
        "echo 'Traceback (most recent call last):' >&2\n"
        "echo '  File \"<string>\", line 1' >&2\n"
        "echo 'ModuleNotFoundError: No module named encodings' >&2\nexit 1\n",
    )
    with pytest.raises(InterpreterError, match=r"ModuleNotFoundError: No module named encodings$"):
        probe_interpreter(exe)


def test_script_that_prints_garbage(tmp_path: Path):
    exe = _script(tmp_path / "python3", "echo 'hello, I am not python'\n")
    with pytest.raises(InterpreterError) as err:
        probe_interpreter(exe)
    assert "printed 'hello, I am not python' instead of JSON" in str(err.value)


def test_json_that_is_not_metadata(tmp_path: Path):
    exe = _script(tmp_path / "python3", "echo '[1, 2]'\n")
    with pytest.raises(InterpreterError, match="expected a JSON object"):
        probe_interpreter(exe)
    exe = _script(tmp_path / "python4", 'echo \'{"major": "3"}\'\n')
    with pytest.raises(InterpreterError, match="`major` is missing or not a int"):
        probe_interpreter(exe)


def test_silent_failure(tmp_path: Path):
    exe = _script(tmp_path / "python3", "exit 3\n")
    with pytest.raises(InterpreterError, match=r"failed \(exit code 3\) without printing an error"):
        probe_interpreter(exe)


def test_killed_interpreter(tmp_path: Path):
    exe = _script(tmp_path / "python3", "kill -SEGV $$\n")
    with pytest.raises(InterpreterError, match=r"killed by SIGSEGV"):
        probe_interpreter(exe)


def test_non_executable_file(tmp_path: Path):
    exe = tmp_path / "python3"
    exe.write_text("#!/bin/sh\necho {}\n")
    exe.chmod(0o644)
    with pytest.raises(InterpreterError, match="permission denied"):
        probe_interpreter(exe)


def test_executable_file_that_is_not_a_program(tmp_path: Path):
    exe = tmp_path / "python3"
    exe.write_bytes(b"\x7fELF\x00garbage")
    exe.chmod(0o755)
    with pytest.raises(InterpreterError, match=r"Cannot run the python interpreter"):
        probe_interpreter(exe)


def test_missing_file_and_directory(tmp_path: Path):
    with pytest.raises(InterpreterError, match="does not exist"):
        probe_interpreter(tmp_path / "nope")
    with pytest.raises(InterpreterError, match="is a directory"):
        probe_interpreter(tmp_path)
    with pytest.raises(InterpreterError, match="is not on PATH"):
        probe_interpreter("cratewright-no-such-python-3.99")


def test_timeout_kills_the_interpreter_and_its_children(tmp_path: Path):
    pid_file = tmp_path / "child.pid"
    exe = _script(tmp_path / "python3", f"/bin/sleep 30 &\necho $! > '{pid_file}'\nwait\n")
    start = time.monotonic()
    with pytest.raises(InterpreterError, match=r"did not answer within 0.5 s"):
        probe_interpreter(exe, timeout=0.5)
    assert time.monotonic() - start < 5
    child = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while Path(f"/proc/{child}").exists() and time.monotonic() < deadline:
        state = Path(f"/proc/{child}/stat").read_text().split()[2]
        if state == "Z":
            break
        time.sleep(0.05)
    assert not Path(f"/proc/{child}").exists() or state == "Z"


def _pyenv_shim(path: Path, versions: list[str]) -> Path:
    listed = "".join(f"echo '  {v}' >&2\n" for v in versions)
    return _script(
        path,
        f"echo 'pyenv: {path.name}: command not found' >&2\necho >&2\n"
        f'echo "The \\`{path.name}\' command exists in these Python versions:" >&2\n'
        f"{listed}echo >&2\necho 'Note: See pyenv help global' >&2\nexit 127\n",
    )


def test_inactive_pyenv_shim_reports_pyenvs_message(tmp_path: Path):
    shim = _pyenv_shim(tmp_path / "shims" / "python3.12", ["3.12.1"])
    with pytest.raises(InterpreterError) as err:
        probe_interpreter(shim)
    assert err.value.message.endswith(
        "failed (exit code 127): pyenv: python3.12: command not found"
    )
    assert err.value.hint is not None
    assert "3.12.1" in err.value.hint


def test_unsupported_implementation_and_bad_metadata(tmp_path: Path):
    exe = _fake_json(tmp_path / "jython", {"interpreter": "jython"})
    with pytest.raises(InterpreterError, match=r"^Unsupported interpreter jython at "):
        probe_interpreter(exe)
    exe = _fake_json(tmp_path / "python3.12", {"ext_suffix": None})
    with pytest.raises(InterpreterError, match="doesn't define EXT_SUFFIX"):
        probe_interpreter(exe)
    exe = _fake_json(tmp_path / "python3.7", {"minor": 7, "abiflags": ""})
    with pytest.raises(InterpreterError, match="must have 'm' or 'dm'"):
        probe_interpreter(exe)
    exe = _fake_json(tmp_path / "pypy3.10", {"interpreter": "pypy", "ext_suffix": ".so"})
    with pytest.raises(InterpreterError, match="didn't define a valid EXT_SUFFIX"):
        probe_interpreter(exe)


def test_python2_gets_a_version_error(tmp_path: Path):
    """Python 2 has no -I; the probe retries without it so the version can be reported."""
    exe = _script(
        tmp_path / "python2.7",
        'case "$1" in -I) echo "Unknown option: -I" >&2; exit 2;; esac\n'
        f"echo '{json.dumps(_metadata(major=2, minor=7, abiflags=None))}'\n",
    )
    with pytest.raises(InterpreterError) as err:
        probe_interpreter(exe)
    assert str(err.value) == (
        f"Only python >= 3.7 is supported, while you're using python 2.7 at {exe}"
    )


# --------------------------------------------------------------------------------------------
# Cache
# --------------------------------------------------------------------------------------------


def test_probe_results_are_cached_until_the_file_changes(tmp_path: Path):
    log = tmp_path / "runs.log"
    exe = _fake_json(tmp_path / "python3.12", {}, record=log)
    first = probe_interpreter(exe)
    assert probe_interpreter(exe) is first
    assert log.read_text().count("run") == 1
    _fake_json(exe, {"has_cffi": True}, record=log)
    os.utime(exe, ns=(time.time_ns(), time.time_ns() + 10_000_000))
    second = probe_interpreter(exe)
    assert second.has_cffi is True
    assert log.read_text().count("run") == 2


def test_wrappers_reporting_another_executable_are_not_cached(tmp_path: Path):
    log = tmp_path / "runs.log"
    exe = _fake_json(tmp_path / "shim", {"executable": sys.executable}, record=log)
    probe_interpreter(exe)
    probe_interpreter(exe)
    assert log.read_text().count("run") == 2


def test_real_interpreter_probe_is_cached():
    first = probe_interpreter(sys.executable)
    assert probe_interpreter(sys.executable) is first


# --------------------------------------------------------------------------------------------
# Tags from synthetic values
# --------------------------------------------------------------------------------------------


def _info(**kw: object) -> InterpreterInfo:
    base: dict[str, object] = {
        "executable": Path("/usr/bin/python3.12"),
        "implementation": "cpython",
        "major": 3,
        "minor": 12,
        "ext_suffix": ".cpython-312-x86_64-linux-gnu.so",
    }
    base.update(kw)
    return InterpreterInfo(**base)  # type: ignore[arg-type]


def test_cpython_tags():
    info = _info()
    assert (info.python_tag, info.abi_tag) == ("cp312", "cp312")
    assert info.wheel_tag("manylinux_2_17_x86_64") == "cp312-cp312-manylinux_2_17_x86_64"
    assert info.supports_abi3 and not info.supports_abi3t
    assert info.display == "CPython 3.12 at /usr/bin/python3.12"
    assert info.implementation_name == "cpython"
    assert info.environment_signature == "cpython-3.12-64bit"


def test_free_threaded_and_old_cpython_tags():
    ft = _info(
        minor=14, abiflags="t", gil_disabled=True, ext_suffix=".cpython-314t-x86_64-linux-gnu.so"
    )
    assert (ft.python_tag, ft.abi_tag) == ("cp314", "cp314t")
    assert not ft.supports_abi3
    assert ft.display == "CPython 3.14t at /usr/bin/python3.12"
    old = _info(minor=7, abiflags="m", ext_suffix=".cpython-37m-x86_64-linux-gnu.so")
    assert old.wheel_tag("linux_x86_64") == "cp37-cp37m-linux_x86_64"
    assert _info(minor=15).supports_abi3t


def test_pypy_graalpy_and_generic_tags():
    pypy = _info(implementation="pypy", minor=11, ext_suffix=".pypy311-pp73-x86_64-linux-gnu.so")
    assert pypy.wheel_tag("linux_x86_64") == "pp311-pypy311_pp73-linux_x86_64"
    assert pypy.display.startswith("PyPy 3.11 at ")
    assert not pypy.supports_abi3
    graal = _info(
        implementation="graalpy", minor=11, ext_suffix=".graalpy242-311-native-x86_64-linux.so"
    )
    assert (graal.python_tag, graal.abi_tag) == ("graalpy311", "graalpy242_311_native")
    assert graal.kind_display == "GraalVM"
    pyston = _info(
        minor=8, implementation_name="pyston", soabi="pyston-23-x86_64-linux-gnu",
        ext_suffix=".pyston-23-x86_64-linux-gnu.so",
    )  # fmt: skip
    assert pyston.wheel_tag("linux_x86_64") == "pyston38-pyston_23_x86_64_linux_gnu-linux_x86_64"
    assert not pyston.supports_abi3


def test_native_platform_tag():
    assert _info(platform="linux-x86_64").native_platform_tag == "linux_x86_64"
    assert _info(platform="macosx-11.0-arm64").native_platform_tag is None
    assert _info(platform="win-amd64").native_platform_tag == "win_amd64"


@pytest.mark.parametrize(
    ("suffix", "expected"),
    [
        (".cpython-37m-x86_64-linux-gnu.so", "cp37m"),
        (".cpython-310-x86_64-linux-gnu.so", "cp310"),
        (".cpython-310-darwin.so", "cp310"),
        (".cpython-313t-darwin.so", "cp313t"),
        (".cp310-win_amd64.pyd", "cp310"),
        (".cp39-mingw_x86_64.pyd", "cp39"),
        (".cpython-312-wasm32-wasi.so", "cp312"),
        (".cpython-38.so", "cp38"),
        (".pyd", None),
        (".so", None),
        (".pypy38-pp73-x86_64-linux-gnu.so", "pypy38_pp73"),
        (".graalpy-38-native-x86_64-darwin.dylib", "graalpy_38_native"),
        (".pyston-23-x86_64-linux-gnu.so", "23"),
        (".nodashes.so", None),
    ],
)
def test_calculate_abi_tag(suffix: str, expected: str | None):
    assert calculate_abi_tag(suffix) == expected


def test_windows_abiflags_rules():
    win = {"system": "windows", "platform": "win-amd64", "ext_suffix": ".cp312-win_amd64.pyd"}
    assert interpreter_from_metadata(_metadata(**win, abiflags=None), "py").abiflags == ""
    ft = _metadata(**win, minor=13, abiflags=None, gil_disabled=True)
    assert interpreter_from_metadata(ft, "py").abiflags == "t"
    old = _metadata(**win, minor=7, abiflags=None)
    assert interpreter_from_metadata(old, "py").abiflags == "m"
    with pytest.raises(InterpreterError, match="Unexpected abiflags 'd'"):
        interpreter_from_metadata(_metadata(**win, abiflags="d"), "py")


# --------------------------------------------------------------------------------------------
# Version specs and -i resolution
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3.12", InterpreterSpec("cpython", 3, 12)),
        ("python3.9", InterpreterSpec("cpython", 3, 9)),
        ("python-3.12", InterpreterSpec("cpython", 3, 12)),
        ("3.14t", InterpreterSpec("cpython", 3, 14, True)),
        ("python3.14t", InterpreterSpec("cpython", 3, 14, True)),
        ("python-3.15t", InterpreterSpec("cpython", 3, 15, True)),
        ("pypy3.10", InterpreterSpec("pypy", 3, 10)),
        ("pypy-3.10", InterpreterSpec("pypy", 3, 10)),
        ("graalpy3.11", InterpreterSpec("graalpy", 3, 11)),
        ("graalpy-3.10", InterpreterSpec("graalpy", 3, 10)),
        ("python", None),
        ("python3", None),
        ("pypy", None),
        ("pypy3", None),
        ("python.exe", None),
        ("jython3.9", None),
        ("/usr/bin/python3.12", None),
    ],
)
def test_parse_interpreter_spec(value: str, expected: InterpreterSpec | None):
    assert parse_interpreter_spec(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("python3.12t", "only supported on 3.14 and later"),
        ("3.13t", "only supported on 3.14 and later"),
        ("pypy3.11t", "only supported for CPython, not PyPy"),
        ("graalpy3.10t", "only supported for CPython, not GraalVM"),
        ("3.x", "Invalid python interpreter minor version 'x'"),
    ],
)
def test_parse_interpreter_spec_errors(value: str, message: str):
    with pytest.raises(InterpreterError, match=re.escape(message)):
        parse_interpreter_spec(value)


def test_spec_command_names():
    assert parse_interpreter_spec("3.14t").command_names == ("python3.14t",)
    assert parse_interpreter_spec("pypy-3.10").command_names == ("pypy3.10",)
    assert str(parse_interpreter_spec("3.14t")) == "CPython 3.14t"


@pytest.fixture
def path_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty directory that is the whole PATH for the test."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    return bin_dir


def test_resolve_version_specs_to_real_interpreters_on_path(path_dir: Path):
    exe = Path(sys.executable).resolve()
    major, minor = _version(exe)
    (path_dir / f"python{major}.{minor}").symlink_to(exe)
    expected = path_dir / f"python{major}.{minor}"
    for value in (f"{major}.{minor}", f"python{major}.{minor}", f"python-{major}.{minor}"):
        info = resolve_interpreter_request(value)
        assert info.executable == expected
        assert (info.major, info.minor) == (major, minor)
    # A path and a Path work as they are.
    assert resolve_interpreter_request(str(exe)).executable == exe
    assert resolve_interpreter_request(exe).executable == exe


def test_resolve_pypy_specs(path_dir: Path):
    pypys = [p for p in REAL if p.name.startswith("pypy")]
    if pypys:
        minor = _version(pypys[0])[1]
        (path_dir / f"pypy3.{minor}").symlink_to(pypys[0].resolve())
    else:  # no PyPy here: a fake one that answers like PyPy 3.10
        minor = 10
        meta = {"interpreter": "pypy", "implementation_name": "pypy", "minor": 10,
                "ext_suffix": ".pypy310-pp73-x86_64-linux-gnu.so"}  # fmt: skip
        _fake_json(path_dir / "pypy3.10", meta)
    for value in (f"pypy3.{minor}", f"pypy-3.{minor}"):
        info = resolve_interpreter_request(value)
        assert info.implementation == "pypy"
        assert info.minor == minor
        assert info.executable == path_dir / f"pypy3.{minor}"


def test_resolve_not_found(path_dir: Path):
    for value in ("3.99", "pypy-3.99", "3.99t", "no-such-python", "/no/such/python"):
        with pytest.raises(InterpreterError) as err:
            resolve_interpreter_request(value)
        assert str(err.value) == f"The following Python interpreters could not be found: `{value}`"
    with pytest.raises(InterpreterError) as err:
        resolve_interpreters(["3.98", sys.executable, "3.99"])
    assert str(err.value) == (
        "The following Python interpreters could not be found: `3.98`, `3.99`"
    )


def test_resolve_spec_that_names_another_version(path_dir: Path):
    _fake_json(path_dir / "python3.12", {"minor": 11, "ext_suffix": ".cpython-311-x.so"})
    with pytest.raises(
        InterpreterError, match=r"`3.12` asks for CPython 3.12, but `python3.12` is"
    ):
        resolve_interpreter_request("3.12")


def test_resolve_broken_interpreter_raises_its_own_error(path_dir: Path):
    _script(path_dir / "python3.12", "echo 'boom' >&2\nexit 1\n")
    with pytest.raises(InterpreterError, match="failed \\(exit code 1\\): boom"):
        resolve_interpreters(["3.12"])


def test_resolve_uses_pyenv_version_behind_inactive_shim(tmp_path: Path, monkeypatch):
    root = tmp_path / "pyenv"
    shim = _pyenv_shim(root / "shims" / "python3.12", ["3.12.1"])
    real = _fake_json(root / "versions" / "3.12.1" / "bin" / "python3.12", {})
    monkeypatch.setenv("PATH", str(shim.parent))
    assert resolve_interpreter_request("3.12").executable == real
    assert resolve_interpreter_request("python3.12").executable == real


def test_resolve_interpreters_deduplicates_by_real_path(path_dir: Path):
    exe = Path(sys.executable).resolve()
    (path_dir / "python3").symlink_to(exe)
    found = resolve_interpreters([str(exe), "python3", str(exe)])
    assert [i.executable for i in found] == [exe]
    assert resolve_interpreters([]) == []


# --------------------------------------------------------------------------------------------
# Default interpreter
# --------------------------------------------------------------------------------------------


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("PYO3_PYTHON", "VIRTUAL_ENV", "pythonLocation"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_default_interpreter_order(tmp_path: Path, path_dir: Path, clean_env):
    real = Path(sys.executable).resolve()
    (path_dir / "python3").symlink_to(real)
    assert default_interpreter().executable == path_dir / "python3"

    location = tmp_path / "hostedtoolcache"
    (location / "bin").mkdir(parents=True)
    (location / "bin" / "python3").symlink_to(real)
    clean_env.setenv("pythonLocation", str(location))
    assert default_interpreter().executable == location / "bin" / "python3"

    venv = tmp_path / "venv"
    subprocess.run([str(real), "-m", "venv", "--without-pip", str(venv)], check=True)
    clean_env.setenv("VIRTUAL_ENV", str(venv))
    info = default_interpreter()
    assert info.executable == venv / "bin" / "python"
    assert info.is_venv
    assert info.base_executable is not None

    pyo3_python = _fake_json(tmp_path / "pyo3-python", {"minor": 13})
    clean_env.setenv("PYO3_PYTHON", str(pyo3_python))
    assert default_interpreter().executable == venv / "bin" / "python"
    assert default_interpreter(pyo3=True).executable == pyo3_python


def test_default_interpreter_errors(tmp_path: Path, path_dir: Path, clean_env):
    clean_env.setenv("VIRTUAL_ENV", str(tmp_path / "gone"))  # no bin/python: ignored
    with pytest.raises(InterpreterError, match=r"^Couldn't find any python interpreters from"):
        default_interpreter()
    _fake_json(path_dir / "python3", {"minor": 11, "ext_suffix": ".cpython-311-x.so"})
    with pytest.raises(InterpreterError) as err:
        default_interpreter(requires_python=SpecifierSet(">=3.12"))
    assert "does not satisfy requires-python >=3.12" in str(err.value)
    assert default_interpreter(requires_python=SpecifierSet(">=3.8")).minor == 11


# --------------------------------------------------------------------------------------------
# requires-python and --find-interpreter
# --------------------------------------------------------------------------------------------


def test_check_requires_python():
    info = _info(minor=8)
    assert check_requires_python(info, None) is None
    assert check_requires_python(info, SpecifierSet(">=3.8")) is None
    assert check_requires_python(info, SpecifierSet(">=3.8,<3.13")) is None
    # Like maturin, only major.minor is compared, so 3.8.1 excludes every 3.8.
    assert check_requires_python(info, SpecifierSet(">=3.8.1")) == (
        "Python 3.8 does not satisfy requires-python >=3.8.1"
    )
    assert check_requires_python(info, SpecifierSet("!=3.8.*")) is not None


def _fake_path(path_dir: Path, log: Path) -> None:
    """PATH with CPython 3.9 (logs runs), 3.11, 3.12 twice, an inactive shim and PyPy."""
    _fake_json(path_dir / "python3.9", {"minor": 9, "ext_suffix": ".cpython-39-x.so"}, record=log)
    _fake_json(path_dir / "python3.11", {"minor": 11, "ext_suffix": ".cpython-311-x.so"})
    _fake_json(path_dir / "python3.12", {})
    # python3.13 is another name for a 3.12: de-duplicated by version.
    _fake_json(path_dir / "python3.13", {})
    _pyenv_shim(path_dir / "python3.10", ["3.10.13"])
    pypy = {"interpreter": "pypy", "implementation_name": "pypy", "minor": 10,
            "ext_suffix": ".pypy310-pp73-x86_64-linux-gnu.so"}  # fmt: skip
    _fake_json(path_dir / "pypy3.10", pypy)
    _fake_json(path_dir / "python3.14t", {"minor": 14, "abiflags": "t", "gil_disabled": True,
                                           "ext_suffix": ".cpython-314t-x.so"})  # fmt: skip


def test_find_interpreters(path_dir: Path, tmp_path: Path):
    log = tmp_path / "runs.log"
    _fake_path(path_dir, log)
    events: list[object] = []
    found = find_interpreters(min_minor=8, include_pypy=True, sink=events.append)
    assert [(i.implementation, i.minor, i.executable.name) for i in found] == [
        ("cpython", 9, "python3.9"),
        ("cpython", 11, "python3.11"),
        ("cpython", 12, "python3.12"),
        ("pypy", 10, "pypy3.10"),
    ]
    assert events == [
        Message("warning", "skipped unavailable python interpreter 'python3.10' from pyenv")
    ]
    with_ft = find_interpreters(include_free_threaded=True)
    assert [i.abi_tag for i in with_ft] == ["cp39", "cp311", "cp312", "cp314t"]


def test_find_interpreters_filters_by_requires_python_before_probing(path_dir, tmp_path):
    log = tmp_path / "runs.log"
    _fake_path(path_dir, log)
    discovery = discover_interpreters(include_pypy=True, requires_python=SpecifierSet(">=3.11"))
    assert [i.python_tag for i in discovery.found] == ["cp311", "cp312"]
    assert not log.exists()  # python3.9 was never run
    assert discovery.skipped == ()


def test_discovery_collects_skipped_names(path_dir: Path, tmp_path: Path):
    _fake_path(path_dir, tmp_path / "runs.log")
    _script(path_dir / "python3.8", "echo 'broken' >&2\nexit 1\n")
    discovery = discover_interpreters(include_pypy=True)
    skipped = {s.name: s for s in discovery.skipped}
    assert set(skipped) == {"python3.8", "python3.10"}
    assert skipped["python3.8"].reason.endswith("(exit code 1): broken")
    assert skipped["python3.10"].path == path_dir / "python3.10"
    assert "pyenv: python3.10: command not found" in skipped["python3.10"].reason
    assert "3.10.13" in (skipped["python3.10"].hint or "")


def test_find_interpreters_requires_python_mismatch_after_probe(path_dir: Path):
    # The name says 3.12 but the interpreter is 3.11: requires-python is checked again.
    _fake_json(path_dir / "python3.12", {"minor": 11, "ext_suffix": ".cpython-311-x.so"})
    discovery = discover_interpreters(requires_python=SpecifierSet(">=3.12"))
    assert discovery.found == ()
    assert [s.name for s in discovery.skipped] == ["python3.12"]


def test_find_interpreters_falls_back_to_python3(path_dir: Path):
    _fake_json(path_dir / "python3", {"minor": 13, "ext_suffix": ".cpython-313-x.so"})
    assert [i.minor for i in find_interpreters()] == [13]
    assert find_interpreters(requires_python=SpecifierSet(">=3.14")) == []
    assert str(mod.no_interpreters_error(SpecifierSet(">=3.14"))) == (
        "Couldn't find any python interpreters with >=3.14. Please specify at least one with -i"
    )


def test_find_interpreters_probes_in_parallel_with_a_timeout(path_dir: Path):
    for minor in (8, 9, 10, 11):
        _script(path_dir / f"python3.{minor}", "exec /bin/sleep 5\n")
    start = time.monotonic()
    discovery = discover_interpreters(timeout=1.0)
    elapsed = time.monotonic() - start
    assert discovery.found == ()
    assert len(discovery.skipped) == 4
    assert all("did not answer within 1 s" in s.reason for s in discovery.skipped)
    assert elapsed < 3.5  # four 1 s timeouts in parallel, not 4 s in a row


def test_find_interpreters_on_real_path_finds_only_working_interpreters():
    for info in find_interpreters(min_minor=7, include_pypy=True):
        assert info.major == 3
        assert info.minor >= 7
        assert info.executable.exists()


@pytest.mark.oracle
def test_find_interpreters_agrees_with_maturin_list_python(tmp_path: Path):
    maturin = Path(sys.executable).parent / "maturin"
    out = subprocess.run(
        [str(maturin), "list-python"], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    theirs = [line[3:] for line in out.stderr.splitlines() if line.startswith(" - ")]
    # maturin's list-python uses the cffi rules: python3.7..14 and pypy3.8..11, no `t` names.
    ours = find_interpreters(min_minor=7, include_pypy=True, min_pypy_minor=8)
    assert [i.display for i in ours] == theirs
