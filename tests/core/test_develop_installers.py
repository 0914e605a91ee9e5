"""develop: PEP 735 dependency groups, --pip-path, and uv for uv and pixi environments.

Real venvs (python -m venv and `uv venv`), real pip and uv installing from the index.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cratewright.core.develop.groups import dependency_group_requirements
from cratewright.errors import InstallError
from tests.conftest import TEST_CRATES, run_cratewright

UV = shutil.which("uv")  # the dev extra installs it into .venv/bin, which the tests put on PATH

GROUPS = """
[dependency-groups]
dev = ["six"]
docs = ["iniconfig"]
all = [{ include-group = "dev" }, { include-group = "docs" }]
"""


def test_default_group_is_dev_when_defined() -> None:
    table = {"dependency-groups": {"dev": ["six"], "docs": ["iniconfig"]}}
    assert dependency_group_requirements(table, None) == (("dev",), ("six",))
    assert dependency_group_requirements({"dependency-groups": {"docs": ["x"]}}, None) == ((), ())
    assert dependency_group_requirements(None, None) == ((), ())


def test_requested_groups_include_and_must_exist() -> None:
    table = {
        "dependency-groups": {
            "dev": ["six"],
            "docs": ["iniconfig"],
            "all": [{"include-group": "dev"}, {"include-group": "docs"}],
        }
    }
    names, requirements = dependency_group_requirements(table, ["all"])
    assert names == ("all",) and set(requirements) == {"six", "iniconfig"}
    with pytest.raises(
        InstallError, match=r"Dependency group\(s\) lint not found .*all, dev, docs"
    ):
        dependency_group_requirements(table, ["lint"])
    cyclic = {"dependency-groups": {"a": [{"include-group": "b"}], "b": [{"include-group": "a"}]}}
    with pytest.raises(InstallError, match=r"Invalid \[dependency-groups\].*Cyclic"):
        dependency_group_requirements(cyclic, ["a"])


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "hello-bin"
    shutil.copytree(TEST_CRATES / "hello-bin", project, ignore=shutil.ignore_patterns("target"))
    with (project / "pyproject.toml").open("a") as fh:
        fh.write(GROUPS)
    return project


_LIST = "import importlib.metadata as m; print([d.name for d in m.distributions()])"


def _installed(python: Path) -> set[str]:
    proc = subprocess.run(
        [str(python), "-c", _LIST],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return {name.lower() for name in eval(proc.stdout)}


def _env_vars() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "CONDA_PREFIX")}


@pytest.mark.cargo
def test_dev_group_by_default_and_group_flag_with_pip(tmp_path: Path, make_venv) -> None:
    project = _project(tmp_path)
    env = make_venv("groups")
    proc = run_cratewright("develop", "-m", project, "--env", env.path, env=_env_vars())
    assert proc.returncode == 0, proc.stderr
    installed = _installed(env.python)
    assert {"hello-bin", "six"} <= installed and "iniconfig" not in installed
    proc = run_cratewright(
        "develop", "-m", project, "--env", env.path, "-G", "docs", env=_env_vars()
    )
    assert proc.returncode == 0, proc.stderr
    assert "iniconfig" in _installed(env.python)
    bad = run_cratewright(
        "develop", "-m", project, "--env", env.path, "-G", "lint", env=_env_vars()
    )
    assert bad.returncode == 1
    assert "💥 error: Dependency group(s) lint not found" in bad.stderr


@pytest.mark.cargo
def test_pip_path_is_the_pip_that_installs(tmp_path: Path, make_venv) -> None:
    project = _project(tmp_path)
    target = make_venv("target")
    other = make_venv("other")  # its pip, pointed at the target's interpreter by VIRTUAL_ENV
    pip = target.bin / "pip"
    proc = run_cratewright(
        "develop", "-m", project, "--env", target.path, "--pip-path", pip, env=_env_vars()
    )
    assert proc.returncode == 0, proc.stderr
    assert f"📦 Installing with {pip}" in proc.stderr
    assert "hello-bin" in _installed(target.python)
    assert "hello-bin" not in _installed(other.python)
    missing = run_cratewright(
        "develop", "-m", project, "--env", target.path, "--pip-path", tmp_path / "nope",
        env=_env_vars(),
    )  # fmt: skip
    assert missing.returncode == 1
    assert "💥 error: --pip-path" in missing.stderr and "is not an executable pip" in missing.stderr
    both = run_cratewright(
        "develop", "-m", project, "--env", target.path, "--pip-path", pip, "--uv", env=_env_vars()
    )
    assert both.returncode == 1 and "--pip-path and --uv cannot be used together" in both.stderr


@pytest.mark.cargo
def test_uv_venv_is_installed_into_with_uv(tmp_path: Path) -> None:
    assert UV is not None, "uv (dev extra) must be on PATH"
    project = _project(tmp_path)
    env = tmp_path / "uv-env"
    subprocess.run([UV, "venv", "-q", "--python", sys.executable, str(env)], check=True)
    assert not (env / "bin" / "pip").exists()  # uv venvs have no pip: pip could not do it
    proc = run_cratewright("develop", "-m", project, "--env", env, env=_env_vars())
    assert proc.returncode == 0, proc.stderr
    assert f"📦 Installing with {UV}" in proc.stderr
    assert {"hello-bin", "six"} <= _installed(env / "bin" / "python")
    assert (env / "bin" / "hello-bin").exists()


@pytest.mark.cargo
def test_pixi_environment_is_installed_into_with_uv(tmp_path: Path, make_venv) -> None:
    """A pixi environment is a conda prefix marked by conda-meta/pixi; maturin uses uv there."""
    assert UV is not None, "uv (dev extra) must be on PATH"
    project = _project(tmp_path)
    env = make_venv("pixi")
    (env.path / "conda-meta").mkdir()
    (env.path / "conda-meta" / "pixi").write_text("")
    proc = run_cratewright("develop", "-m", project, "--env", env.path, env=_env_vars())
    assert proc.returncode == 0, proc.stderr
    assert f"📦 Installing with {UV}" in proc.stderr
    assert "hello-bin" in _installed(env.python)
    forced = run_cratewright("develop", "-m", project, "--env", env.path, "--installer", "pip",
                             env=_env_vars())  # fmt: skip
    assert forced.returncode == 0, forced.stderr
    assert "📦 Installing with " + str(env.python) in forced.stderr


@pytest.mark.cargo
def test_editable_profile_is_what_develop_builds_with(tmp_path: Path, make_venv) -> None:
    """[tool.maturin] editable-profile: develop (and editable builds) use it, build does not."""
    project = _project(tmp_path)
    with (project / "Cargo.toml").open("a") as fh:
        fh.write('\n[profile.editing]\ninherits = "dev"\n')
    with (project / "pyproject.toml").open("a") as fh:
        fh.write('\n[tool.maturin]\neditable-profile = "editing"\n')
    env = make_venv("profile")
    proc = run_cratewright("develop", "-m", project, "--env", env.path, env=_env_vars())
    assert proc.returncode == 0, proc.stderr
    assert "Finished `editing` profile" in proc.stderr
    built = run_cratewright("build", "-m", project, "-o", tmp_path / "out")
    assert built.returncode == 0, built.stderr
    assert "Finished `dev` profile" in built.stderr
