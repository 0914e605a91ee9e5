"""Tests for the machine-wide interpreter listing: sources, pyenv shims, dedup, disk cache.

The real interpreters of this machine (pyenv versions, /usr/bin, PyPy) must all be found and
described as they describe themselves; fakes in tmp_path stand in for broken interpreters,
pyenv installations and venvs whose contents we control.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from cratewright.core.interpreters import FoundInterpreter, InterpreterListing, list_interpreters
from cratewright.core.interpreters.pyenv import active_versions, resolve_shim
from tests.core.test_interpreters import REAL, _metadata, _script

_TRUTH = textwrap.dedent(
    """
    import json, platform, sys, sysconfig
    print(json.dumps({
        "version": platform.python_version(),
        "kind": platform.python_implementation(),
        "prefix": sys.prefix,
        "executable": sys.executable,
        "ext_suffix": sysconfig.get_config_var("EXT_SUFFIX"),
    }))
    """
)


def _truth(exe: Path) -> dict[str, str]:
    args = [str(exe), "-c", _TRUTH]
    return json.loads(subprocess.run(args, capture_output=True, text=True, check=True).stdout)


def _find(listing: InterpreterListing, exe: Path) -> FoundInterpreter | None:
    """The listed interpreter that ``exe`` is (as itself or as an alias)."""
    venv = (exe.parent.parent / "pyvenv.cfg").is_file()
    for found in listing.interpreters:
        for path in (found.path, *found.aliases):
            same_venv = (path.parent.parent / "pyvenv.cfg").is_file() == venv
            if same_venv and path.resolve() == exe.resolve():
                return found
    return None


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture(scope="module")
def real_listing(tmp_path_factory: pytest.TempPathFactory) -> InterpreterListing:
    cache = tmp_path_factory.mktemp("cache")
    return list_interpreters(project_dir=Path(sys.executable).parent.parent, cache_dir=cache)


@pytest.mark.parametrize("exe", REAL, ids=str)
def test_every_real_interpreter_is_found_and_probed_correctly(real_listing, exe: Path):
    found = _find(real_listing, exe)
    assert found is not None, f"{exe} is not in the listing"
    truth = _truth(exe) if "2.7" not in exe.name else None
    if found.info is None:
        # Too old to build for: still listed, with what it is and why it cannot be used.
        assert found.error is not None
        assert "Only python >= 3.7 is supported" in found.error
        assert found.version.startswith(("2.", "3.6"))
        return
    info = found.info
    assert truth is not None
    assert found.version == info.full_version == truth["version"]
    assert info.kind_display.lower() == truth["kind"].lower()
    assert info.ext_suffix == truth["ext_suffix"]
    assert info.prefix is not None
    assert info.prefix.resolve() == Path(truth["prefix"]).resolve()


def test_listing_order_and_pyenv_shims(real_listing):
    working = real_listing.working
    versions = [(f.info.implementation != "cpython", f.info.version) for f in working]
    assert versions == sorted(versions)
    assert all(f.ok for f in working)
    broken_start = len(working)
    assert all(not f.ok for f in real_listing.interpreters[broken_start:])
    # Every interpreter is listed once: no two entries for the same binary and venv.
    keys = [(f.path.resolve(), f.is_venv) for f in real_listing.interpreters]
    assert len(keys) == len(set(keys))
    for skipped in real_listing.skipped:
        assert skipped.reason == f"pyenv: {skipped.name}: command not found"


def test_second_listing_comes_from_the_cache(cache_dir: Path):
    first = list_interpreters(cache_dir=cache_dir)
    start = time.monotonic()
    second = list_interpreters(cache_dir=cache_dir)
    elapsed = time.monotonic() - start
    assert first.probed >= len([f for f in first.interpreters if f.ok])
    assert second.probed == 0
    assert all(f.cached for f in second.interpreters)
    assert [f.path for f in second.interpreters] == [f.path for f in first.interpreters]
    assert [f.info for f in second.interpreters] == [f.info for f in first.interpreters]
    assert elapsed < 0.5


# --------------------------------------------------------------------------------------------
# Fakes


def _fake(path: Path, *, log: Path | None = None, sleep: float = 0, **meta: object) -> Path:
    data = _metadata(**meta)
    if data["executable"] is None:
        data["executable"] = str(path)
    data.setdefault("version", f"{data['major']}.{data['minor']}.0")
    data.setdefault("prefix", str(path.parent.parent))
    record = f"echo run >> '{log}'\n" if log else ""
    pause = f"/bin/sleep {sleep}\n" if sleep else ""
    return _script(path, f"{record}{pause}printf '%s\\n' {shlex.quote(json.dumps(data))}\n")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """An environment whose PATH, pyenv and uv folders are empty folders of tmp_path."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    return {
        "PATH": str(bin_dir),
        "PYENV_ROOT": str(tmp_path / "pyenv"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "HOME": str(tmp_path),
    }


def _listing(env: dict[str, str], cache_dir: Path, **kwargs: object) -> InterpreterListing:
    return list_interpreters(env=env, cache_dir=cache_dir, cwd=cache_dir.parent, **kwargs)


def test_broken_interpreters_are_listed_with_their_error(env, cache_dir: Path, tmp_path: Path):
    bin_dir = Path(env["PATH"])
    _script(bin_dir / "python3.12", "echo 'Fatal Python error: init_fs_encoding' >&2\nexit 1\n")
    _fake(bin_dir / "python3.11", minor=11, ext_suffix=".cpython-311-x86_64-linux-gnu.so")
    added = _script(tmp_path / "mine" / "python", "echo 'not python' \n")
    missing = tmp_path / "gone" / "python3"
    listing = _listing(env, cache_dir, extra=[added, missing])

    by_path = {f.path: f for f in listing.interpreters}
    broken = by_path[bin_dir / "python3.12"]
    assert broken.info is None
    assert broken.error == (
        f"Trying to get metadata from the python interpreter '{bin_dir / 'python3.12'}' failed "
        "(exit code 1): Fatal Python error: init_fs_encoding"
    )
    assert by_path[bin_dir / "python3.11"].ok
    assert "printed 'not python' instead of JSON" in (by_path[added].error or "")
    assert by_path[added].sources == ("added",)
    assert "No such file or directory" in (by_path[missing].error or "")
    assert listing.interpreters[-1].info is None  # broken ones come last


def test_same_binary_is_listed_once_with_its_aliases(env, cache_dir: Path):
    bin_dir = Path(env["PATH"])
    real = _fake(bin_dir / "python3.12")
    (bin_dir / "python3").symlink_to(real)
    (bin_dir / "python").symlink_to(bin_dir / "python3")
    listing = _listing(env, cache_dir)
    mine = [f for f in listing.interpreters if f.path.parent == bin_dir]
    assert len(mine) == 1
    assert mine[0].path == real
    assert set(mine[0].aliases) >= {bin_dir / "python3", bin_dir / "python"}


def test_venvs_are_kept_apart_from_their_base(env, cache_dir: Path, tmp_path: Path):
    base = Path(sys.executable).resolve()
    venv = tmp_path / "project" / ".venv"
    subprocess.run([str(base), "-m", "venv", "--without-pip", str(venv)], check=True)
    other = tmp_path / "activated"
    subprocess.run([str(base), "-m", "venv", "--without-pip", str(other)], check=True)
    (Path(env["PATH"]) / "python3").symlink_to(base)
    env = {**env, "VIRTUAL_ENV": str(other)}
    listing = _listing(env, cache_dir, project_dir=tmp_path / "project" / "src")
    found = {f.path: f for f in listing.interpreters}
    project_venv = found[venv / "bin" / "python"]
    assert project_venv.sources == ("project .venv",)
    assert project_venv.is_venv and project_venv.info and project_venv.info.is_venv
    assert found[other / "bin" / "python"].sources == ("VIRTUAL_ENV",)
    base_entry = _find(listing, base)
    assert base_entry is not None and not base_entry.is_venv


def test_identical_answers_from_different_files_are_merged(env, cache_dir: Path, tmp_path):
    bin_dir = Path(env["PATH"])
    prefix = tmp_path / "prefix"
    one = _fake(bin_dir / "python3.12", prefix=str(prefix), version="3.12.4")
    two = _fake(tmp_path / "copy" / "python3.12", prefix=str(prefix), version="3.12.4")
    listing = _listing(env, cache_dir, extra=[two])
    merged = [f for f in listing.interpreters if f.path in (one, two)]
    assert len(merged) == 1
    assert {merged[0].path, *merged[0].aliases} >= {one, two}


# --------------------------------------------------------------------------------------------
# pyenv


def _pyenv(root: Path, versions: dict[str, str]) -> Path:
    """A pyenv root with fake versions ({version: command}) and real-looking shims."""
    shims = root / "shims"
    for version, command in versions.items():
        minor = int(version.split(".")[1])
        _fake(root / "versions" / version / "bin" / command, minor=minor, version=version,
              ext_suffix=f".cpython-3{minor}-x86_64-linux-gnu.so")  # fmt: skip
        _script(shims / command, f'exec "{root}/libexec/pyenv" exec "${{0##*/}}" "$@"\n')
    return shims


def test_pyenv_shims_are_resolved_without_running_them(env, cache_dir: Path, tmp_path: Path):
    root = Path(env["PYENV_ROOT"])
    shims = _pyenv(root, {"3.12.1": "python3.12", "3.10.4": "python3.10"})
    (root / "version").write_text("3.12.1\n")
    env = {**env, "PATH": f"{shims}{os.pathsep}{env['PATH']}"}
    listing = _listing(env, cache_dir)
    active = _find(listing, root / "versions" / "3.12.1" / "bin" / "python3.12")
    assert active is not None
    assert shims / "python3.12" in active.aliases
    assert "PATH (pyenv shim)" in active.sources and "pyenv" in active.sources
    # The inactive version is still listed from its own folder; its shim is skipped.
    assert _find(listing, root / "versions" / "3.10.4" / "bin" / "python3.10") is not None
    (skipped,) = listing.skipped
    assert (skipped.name, skipped.path) == ("python3.10", shims / "python3.10")
    assert skipped.reason == "pyenv: python3.10: command not found"
    assert "pyenv has it in 3.10.4 but that version is not active" in (skipped.hint or "")


def test_pyenv_version_selection(tmp_path: Path):
    root = tmp_path / "pyenv"
    shims = _pyenv(root, {"3.12.1": "python3.12", "3.11.9": "python3.11"})
    project = tmp_path / "project" / "sub"
    project.mkdir(parents=True)
    (root / "version").write_text("# global\n3.12.1\n")
    env = {"PYENV_ROOT": str(root)}
    assert active_versions(root, env, project) == ("3.12.1",)
    (tmp_path / "project" / ".python-version").write_text("3.11\n")
    assert active_versions(root, env, project) == ("3.11",)
    shim = resolve_shim(shims / "python3.11", env=env, cwd=project, path_dirs=[])
    assert shim.target == root / "versions" / "3.11.9" / "bin" / "python3.11"  # prefix "3.11"
    env["PYENV_VERSION"] = "3.12.1:system"
    assert active_versions(root, env, project) == ("3.12.1", "system")
    system_bin = tmp_path / "usr-bin"
    system_python = _fake(system_bin / "python3.11", minor=11)
    shim = resolve_shim(shims / "python3.11", env=env, cwd=project,
                        path_dirs=[str(shims), str(system_bin)])  # fmt: skip
    assert shim.target == system_python
    shim = resolve_shim(shims / "python3.9", env=env, cwd=project, path_dirs=[str(shims)])
    assert (shim.target, shim.error, shim.hint) == (None, "pyenv: python3.9: command not found",
                                                   None)  # fmt: skip


# --------------------------------------------------------------------------------------------
# Disk cache


def test_cache_is_stamped_with_the_binary_and_site_packages(env, cache_dir, tmp_path: Path):
    log = tmp_path / "runs.log"
    site = tmp_path / "site-packages"
    site.mkdir()
    _listing(env, cache_dir)  # /usr/bin's interpreters are always searched: cache them first
    exe = _fake(Path(env["PATH"]) / "python3.12", log=log, site_dirs=[str(site)])

    def runs() -> int:
        return log.read_text().count("run")

    assert _listing(env, cache_dir).probed == 1
    assert _listing(env, cache_dir).probed == 0
    assert runs() == 1
    # Installing a package changes site-packages: asked again.
    time.sleep(0.01)
    (site / "cffi").mkdir()
    assert _listing(env, cache_dir).probed == 1
    assert runs() == 2
    # Replacing the interpreter: asked again.
    os.utime(exe, ns=(time.time_ns(), time.time_ns() + 10_000_000))
    assert _listing(env, cache_dir).probed == 1
    # Without the cache every listing asks.
    assert _listing(env, cache_dir, use_cache=False).probed >= 1
    assert runs() == 4


def test_failures_are_cached_but_timeouts_are_not(env, cache_dir: Path, tmp_path: Path):
    log = tmp_path / "runs.log"
    bin_dir = Path(env["PATH"])
    _listing(env, cache_dir)  # the real ones in /usr/bin answer in time once, then are cached
    _script(bin_dir / "python3.12", f"echo run >> '{log}'\necho boom >&2\nexit 1\n")
    _script(bin_dir / "python3.11", "exec /bin/sleep 5\n")
    first = _listing(env, cache_dir, timeout=0.5)
    second = _listing(env, cache_dir, timeout=0.5)
    assert log.read_text().count("run") == 1
    assert second.probed == 1  # only the one that timed out is asked again
    slow = next(f for f in second.interpreters if f.path == bin_dir / "python3.11")
    assert "did not answer within 0.5 s" in (slow.error or "")
    assert [f.error for f in first.interpreters] == [f.error for f in second.interpreters]


def test_wrappers_reporting_another_executable_are_not_cached(env, cache_dir, tmp_path):
    log = tmp_path / "runs.log"
    _fake(Path(env["PATH"]) / "python3.12", log=log, executable=sys.executable)
    _listing(env, cache_dir)
    _listing(env, cache_dir)
    assert log.read_text().count("run") == 2


def test_unwritable_or_corrupt_cache_is_no_error(env, tmp_path: Path):
    _fake(Path(env["PATH"]) / "python3.12")
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / "interpreters.json").write_text("{not json")
    assert _listing(env, corrupt).probed >= 1
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("")
    listing = list_interpreters(env=env, cache_dir=blocked / "cache", cwd=tmp_path)
    assert any(f.path.name == "python3.12" and f.ok for f in listing.interpreters)
