"""develop: environment discovery, extras, and real editable installs into fresh venvs."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from cratewright.core.build.plan import BuildOptions
from cratewright.core.develop.environment import detect_environments, find_environment
from cratewright.core.develop.install import develop, requirements_for_extras
from cratewright.errors import InstallError
from tests.conftest import TEST_CRATES, run_cratewright


def _fake_venv(prefix: Path) -> Path:
    (prefix / "bin").mkdir(parents=True)
    (prefix / "pyvenv.cfg").write_text("home = /usr/bin\n")
    python = prefix / "bin" / "python"
    python.symlink_to(sys.executable)
    return python


def test_virtual_env_wins_then_conda(tmp_path: Path) -> None:
    venv, conda = tmp_path / "venv", tmp_path / "conda"
    _fake_venv(venv)
    _fake_venv(conda)
    found = find_environment(environ={"VIRTUAL_ENV": str(venv)}, cwd=tmp_path)
    assert (found.prefix, found.origin) == (venv, "VIRTUAL_ENV")
    found = find_environment(environ={"CONDA_PREFIX": str(conda)}, cwd=tmp_path)
    assert (found.prefix, found.origin) == (conda, "CONDA_PREFIX")
    with pytest.raises(InstallError, match="Both VIRTUAL_ENV and CONDA_PREFIX are set"):
        find_environment(environ={"VIRTUAL_ENV": str(venv), "CONDA_PREFIX": str(conda)})


def test_dot_venv_in_project_parents(tmp_path: Path) -> None:
    python = _fake_venv(tmp_path / ".venv")
    project = tmp_path / "a" / "b"
    project.mkdir(parents=True)
    found = find_environment(project_dir=project, cwd=Path("/"), environ={})
    assert (found.prefix, found.python, found.origin) == (tmp_path / ".venv", python, ".venv")
    assert [e.prefix for e in detect_environments(project, cwd=Path("/"), environ={})] == [
        tmp_path / ".venv"
    ]


def test_nothing_found_lists_where_we_looked(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    with pytest.raises(InstallError) as info:
        find_environment(project_dir=project, cwd=project, environ={})
    message = str(info.value)
    assert "Couldn't find a virtualenv or conda environment" in message
    assert "$VIRTUAL_ENV (not set), $CONDA_PREFIX (not set)" in message
    assert str(project / ".venv") in message and str(tmp_path / ".venv") in message
    assert "python -m venv .venv" in message


def test_broken_dot_venv_and_chosen_paths(tmp_path: Path) -> None:
    (tmp_path / ".venv").mkdir()
    with pytest.raises(InstallError, match=r"pyvenv\.cfg is missing"):
        find_environment(cwd=tmp_path, environ={})
    with pytest.raises(InstallError, match="does not exist"):
        find_environment(tmp_path / "nope")
    with pytest.raises(InstallError, match="has no bin/python"):
        find_environment(tmp_path / ".venv")
    chosen = find_environment(Path(sys.executable))
    assert chosen.origin == "chosen"
    assert chosen.prefix == Path(sys.prefix)


def test_requirements_for_extras() -> None:
    requires = [
        "cffi>=1.16",
        'numpy; python_version >= "3.10"',
        'pytest>=8; extra == "test"',
        'sphinx; extra == "docs" and python_version >= "3.9"',
    ]
    assert requirements_for_extras(requires, ()) == [
        "cffi>=1.16",
        'numpy; python_version >= "3.10"',
        'pytest>=8; python_version < "0"',
        'sphinx; python_version < "0" and python_version >= "3.9"',
    ]
    assert requirements_for_extras(requires, ("Test",))[2] == 'pytest>=8; python_version >= "0"'
    with pytest.raises(InstallError, match="Invalid Requires-Dist"):
        requirements_for_extras(["not a requirement ;;"], ())


def _project(crate: str, tmp_path: Path) -> Path:
    dest = tmp_path / crate
    shutil.copytree(TEST_CRATES / crate, dest, ignore=shutil.ignore_patterns("target"))
    return dest


@pytest.mark.cargo
def test_develop_mixed_is_editable(tmp_path: Path, make_venv) -> None:
    project = _project("pyo3-mixed", tmp_path)
    env = make_venv("mixed")
    events: list[object] = []
    result = develop(BuildOptions(manifest_path=project), environment=env.path, sink=events.append)
    native = project / "python" / "pyo3_mixed"
    (module,) = native.glob("_native.cpython-*.so")
    assert result.native_files == (module,)
    assert result.editable and result.python_dir == (project / "python").resolve()
    site = result.site_packages
    assert site is not None and site.is_relative_to(env.path)
    assert (site / "pyo3_mixed.pth").read_text() == str((project / "python").resolve())
    assert not (site / "pyo3_mixed").exists()  # the package is served from the project
    direct_url = json.loads((site / "pyo3_mixed-0.2.0.dist-info" / "direct_url.json").read_text())
    assert direct_url == {"dir_info": {"editable": True}, "url": project.resolve().as_uri()}
    check = env.run([env.python, project / "check_installed.py"], cwd=env.path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert (env.bin / "pyo3-mixed-hello").exists()
    # A Python edit is visible without reinstalling.
    with (native / "__init__.py").open("a") as fh:
        fh.write("\nEDITED_IN_PLACE = 42\n")
    probe = env.run([env.python, "-c", "import pyo3_mixed; print(pyo3_mixed.EDITED_IN_PLACE)"])
    assert probe.stdout.strip() == "42", probe.stderr
    assert "🛠 Installed pyo3-mixed-0.2.0 into" in result.summary()
    assert any("Using environment" in getattr(e, "text", "") for e in events)


@pytest.mark.cargo
def test_develop_pure_installs_the_wheel_and_skip_install(tmp_path: Path, make_venv) -> None:
    project = _project("pyo3-pure", tmp_path)
    env = make_venv("pure")
    result = develop(BuildOptions(manifest_path=project), environment=env.python)
    assert not result.editable and result.native_files == ()
    assert result.site_packages is not None
    assert list(result.site_packages.glob("pyo3_pure/*.so"))
    check = env.run([env.python, project / "check_installed.py"], cwd=env.path)
    assert check.returncode == 0, check.stdout + check.stderr
    mixed = _project("pyo3-mixed", tmp_path)
    skipped = develop(BuildOptions(manifest_path=mixed), environment=env.path, skip_install=True)
    assert not skipped.installed and skipped.site_packages is None
    assert list((mixed / "python" / "pyo3_mixed").glob("_native.cpython-*.so"))
    assert not list(result.site_packages.glob("pyo3_mixed*"))
    assert "not installed" in skipped.summary()


@pytest.mark.cargo
def test_cli_develop_uses_dot_venv_and_reports_missing_env(tmp_path: Path, make_venv) -> None:
    project = _project("pyo3-mixed", tmp_path)
    env_vars = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "CONDA_PREFIX")}
    missing = run_cratewright("develop", "-m", project, cwd=tmp_path, env=env_vars)
    assert missing.returncode == 1
    assert "💥 error: Couldn't find a virtualenv or conda environment" in missing.stderr
    env = make_venv("dot")
    shutil.move(env.path, project / ".venv")
    proc = run_cratewright("develop", "-m", project, cwd=project, env=env_vars)
    assert proc.returncode == 0, proc.stderr
    assert "🛠 Installed pyo3-mixed-0.2.0 into" in proc.stderr
    assert str(project / ".venv") in proc.stdout


@pytest.mark.cargo
def test_develop_installs_requirements_first(
    tmp_path: Path, make_venv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """cffi-mixed requires cffi: develop installs it, then builds and installs editable."""
    project = _project("cffi-mixed", tmp_path)
    env = make_venv("cffi")
    result = develop(BuildOptions(manifest_path=project), environment=env.path, installer="pip")
    assert result.installer == "pip" and result.editable
    glue = project / "python" / "cffi_mixed" / "cffi_mixed"
    assert (glue / "ffi.py").is_file() and (glue / "__init__.py").is_file()
    assert set(result.native_files) >= {glue / "ffi.py", glue / "__init__.py"}
    check = env.run([env.python, project / "check_installed.py"], cwd=env.path)
    assert check.returncode == 0, check.stdout + check.stderr
    monkeypatch.setenv("PATH", str(env.bin))  # no uv there: asking for it must fail clearly
    with pytest.raises(InstallError, match="uv was requested"):
        develop(BuildOptions(manifest_path=project), environment=env.path, installer="uv")
