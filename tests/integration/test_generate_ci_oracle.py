"""`cratewright generate-ci github` against `maturin generate-ci github` (test oracle only).

Both files are parsed back with ruamel.yaml (YAML 1.2) and compared as data. Action
references are compared by name and major tag: ours are pinned to a commit with the tag as a
comment. The only other differences are the intended ones below, each removed from our
document before the comparison, so anything else that differs fails the test.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cratewright.cli import main as cratewright_main
from cratewright.core.ci.checks import audit_workflow, check_schema
from cratewright.core.ci.emit import load_yaml
from cratewright.core.ci.pins import PINS
from tests.ci_projects import make_project
from tests.conftest import TEST_CRATES, run_cratewright

pytestmark = pytest.mark.oracle

# What we change on purpose, and why (zizmor's audit of maturin's output):
INTENDED_DIFFERENCES = {
    "pinned uses": "every action is pinned to a commit SHA (zizmor unpinned-uses, high)",
    "checkout persist-credentials: false": "the token is not left in .git for later steps "
    "(zizmor artipacked)",
    "setup-uv enable-cache: false, setup-node package-manager-cache: false": "no cache in a "
    "workflow that publishes (zizmor cache-poisoning, high)",
    "setup-node v6 instead of v3": "v3 runs on Node 16, which GitHub retired",
    "emsdk cache only off tags": "like sccache, no cache is restored into a release build",
}

CONFIGS: dict[str, tuple[str, dict[str, Any], list[str]]] = {
    "pyo3-default": ("pyo3", {}, []),
    "pyo3-no-requires-python": ("pyo3", {"requires_python": None}, []),
    "abi3": ("pyo3", {"abi3": True, "requires_python": ">=3.10"}, []),
    "bin": ("bin", {}, []),
    "bin-pyo3": ("bin-pyo3", {}, []),
    "cffi": ("cffi", {}, []),
    "uniffi": ("uniffi", {}, []),
    "no-pyproject": ("pyo3", {"pyproject": False}, []),
    "zig-cli": ("pyo3", {}, ["--zig"]),
    "zig-table": ("pyo3", {"tool": "[tool.maturin.generate-ci.github]\nzig = true\n"}, []),
    "pytest-cli": ("pyo3", {}, ["--pytest"]),
    "pytest-table-py313": (
        "pyo3",
        {"requires_python": ">=3.13", "tool": "[tool.maturin.generate-ci.github]\npytest = true\n"},
        [],
    ),
    "trusted-publishing-environment": (
        "pyo3",
        {
            "tool": (
                "[tool.maturin.generate-ci.github]\ntrusted-publishing = true\n"
                'publishing-environment = "pypi"\n'
            )
        },
        [],
    ),
    "skip-attestation-cli": ("pyo3", {}, ["--skip-attestation"]),
    "skip-attestation-table": (
        "cffi",
        {"tool": ("[tool.maturin.generate-ci.github]\nskip-attestation = true\n")},
        [],
    ),
    "per-platform-targets-runners": (
        "pyo3",
        {
            "tool": (
                "[tool.maturin.generate-ci.github]\n"
                'args = "--features fast"\n'
                "[tool.maturin.generate-ci.github.linux]\n"
                'targets = ["x86_64", "aarch64"]\nrunner = "ubuntu-24.04"\nmanylinux = "2_28"\n'
                "[tool.maturin.generate-ci.github.macos]\n"
                'targets = ["aarch64"]\nrunner = "macos-14"\n'
            )
        },
        [],
    ),
    "target-entries-own-options": (
        "pyo3",
        {
            "tool": (
                "[tool.maturin.generate-ci.github]\n"
                'args = "--locked"\n'
                "[tool.maturin.generate-ci.github.linux]\n"
                'before-script-linux = "yum install -y openssl-devel"\n'
                "[[tool.maturin.generate-ci.github.linux.target]]\n"
                'arch = "x86_64"\nmanylinux = "2_28"\n'
                "[[tool.maturin.generate-ci.github.linux.target]]\n"
                'arch = "aarch64"\nrunner = "ubuntu-24.04-arm"\nargs = "--features simd"\n'
                'container = "ghcr.io/rust-cross/manylinux_2_28-cross:aarch64"\n'
                'docker-options = "-e CI=1"\nrust-toolchain = "nightly"\n'
                'rustup-components = "rust-src"\n'
                "[tool.maturin.generate-ci.github.windows]\n"
                "[[tool.maturin.generate-ci.github.windows.target]]\n"
                'arch = "x64"\n'
                "[[tool.maturin.generate-ci.github.windows.target]]\n"
                'arch = "aarch64"\nargs = "--features arm"\n'
            )
        },
        [],
    ),
    "platform-subset": ("pyo3", {}, ["--platform", "manylinux", "--platform", "windows"]),
    "platform-all": ("pyo3", {}, ["--platform", "all", "--pytest"]),
    "platform-all-bin": ("bin", {}, ["--platform", "all"]),
    "emscripten-android-tables": (
        "pyo3",
        {
            "tool": (
                "[tool.maturin.generate-ci.github]\npytest = true\n"
                "[tool.maturin.generate-ci.github.emscripten]\n"
                "[tool.maturin.generate-ci.github.android]\n"
            )
        },
        [],
    ),
    "abi3-musllinux-pytest": (
        "pyo3",
        {"abi3": True},
        ["--platform", "musllinux", "--platform", "macos", "--pytest"],
    ),
    "manifest-path": ("pyo3", {}, ["-m", "project/Cargo.toml", "--pytest"]),
}


def _maturin() -> str:
    found = shutil.which("maturin", path=str(Path(sys.executable).parent))
    assert found, "maturin (test oracle) must be installed in the test environment"
    return found


def _by_tag(document: Any) -> Any:
    """Replace our ``name@<sha>`` by ``name@<major>``, as maturin writes it."""
    if isinstance(document, dict):
        return {key: _by_tag(value) for key, value in document.items()}
    if isinstance(document, list):
        return [_by_tag(value) for value in document]
    if isinstance(document, str):
        match = re.fullmatch(r"([\w.-]+/[\w.-]+)@([0-9a-f]{40})", document)
        if match:
            action = PINS[match[1]]
            assert action.sha == match[2]
            return f"{action.name}@{action.major}"
    return document


def _without_intended(document: dict[str, Any]) -> dict[str, Any]:
    document = copy.deepcopy(_by_tag(document))
    for _name, job in document["jobs"].items():
        for step in job["steps"]:
            uses = step.get("uses", "")
            if uses.startswith("actions/checkout@"):
                assert step.pop("with") == {"persist-credentials": "false"}
            if uses.startswith("astral-sh/setup-uv@"):
                assert step.pop("with") == {"enable-cache": "false"}
            if uses.startswith("emscripten-core/setup-emsdk@"):
                cache = step["with"]["actions-cache-folder"]
                assert (
                    cache == "${{ !startsWith(github.ref, 'refs/tags/') && 'emsdk-cache' || '' }}"
                )
                step["with"]["actions-cache-folder"] = "emsdk-cache"
            if uses.startswith("actions/setup-node@"):
                assert step["with"].pop("package-manager-cache") == "false"
                assert uses == "actions/setup-node@v6"
                step["uses"] = "actions/setup-node@v3"
    return document


def _run_both(tmp_path: Path, config: str) -> tuple[str, str]:
    bindings, kwargs, args = CONFIGS[config]
    project = make_project(tmp_path, bindings, **kwargs)
    cwd = tmp_path if "-m" in args else project
    proc = subprocess.run(
        [_maturin(), "generate-ci", "github", *args, "-o", str(tmp_path / "maturin.yml")],
        cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    ours = tmp_path / "ours.yml"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(cwd)
        assert cratewright_main(["generate-ci", "github", *args, "-o", str(ours)]) == 0
    return (tmp_path / "maturin.yml").read_text(), ours.read_text()


@pytest.mark.parametrize("config", list(CONFIGS))
def test_same_workflow_as_maturin(tmp_path: Path, config: str) -> None:
    theirs_text, ours_text = _run_both(tmp_path, config)
    # Scalars compared as written: maturin pastes `manylinux: 2_28` unquoted, which a YAML
    # parser reads as the integer 228; ours is quoted (a string for every parser).
    theirs = load_yaml(theirs_text, typed=False)
    ours = load_yaml(ours_text, typed=False)
    assert _without_intended(ours) == theirs
    # Validated, not hoped: the schema holds and zizmor finds nothing at medium or above,
    # where maturin's own file has high findings.
    schema = check_schema(ours_text, "github")
    assert schema.available and schema.ok, schema.findings
    audit = audit_workflow(ours_text)
    assert audit.available and audit.ok, [f for f in audit.findings if f.blocking]
    assert not audit_workflow(theirs_text).ok


def test_settings_written_by_the_app_mean_the_same_to_maturin(tmp_path: Path) -> None:
    """The Release page's tomlkit edits give a table maturin reads to the same workflow."""
    from cratewright.core.ci.generate import load_facts, resolve_for_project
    from cratewright.core.ci.resolve import CIOptions
    from cratewright.core.ci.settings import set_option, set_target
    from cratewright.core.project.locate import read_toml

    project = make_project(tmp_path, "pyo3", requires_python=">=3.11")
    pyproject = project / "pyproject.toml"
    _project, facts = load_facts(project)
    edits = [
        ("target", "linux", "s390x", False),
        ("target", "windows", "x86", False),
        ("target", "emscripten", "wasm32-unknown-emscripten", True),
        ("target", "musllinux", "armv7", False),
        ("option", "pytest", True, None),
        ("option", "trusted-publishing", True, None),
        ("option", "publishing-environment", "release", None),
    ]
    for kind, first, second, third in edits:
        text = pyproject.read_text()
        if kind == "target":
            ci = resolve_for_project(read_toml(pyproject), facts, CIOptions())
            text = set_target(text, ci, first, second, bool(third))
        else:
            text = set_option(text, first, second)
        pyproject.write_text(text)
    theirs = subprocess.run(
        [_maturin(), "generate-ci", "github"],
        cwd=project, capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    ours = tmp_path / "ours.yml"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project)
        assert cratewright_main(["generate-ci", "github", "-o", str(ours)]) == 0
    theirs_doc = load_yaml(theirs, typed=False)
    assert _without_intended(load_yaml(ours.read_text(), typed=False)) == theirs_doc
    linux = [
        entry["target"] for entry in theirs_doc["jobs"]["linux"]["strategy"]["matrix"]["platform"]
    ]
    assert linux == ["x86_64", "x86", "aarch64", "armv7", "ppc64le"]
    assert "emscripten" in theirs_doc["jobs"]
    assert theirs_doc["jobs"]["release"]["environment"] == "release"


def test_a_multi_line_script_breaks_maturins_yaml_not_ours(tmp_path: Path) -> None:
    """maturin pastes a multi-line before-script-linux as is; its file no longer parses."""
    from cratewright.errors import ConfigError

    script = "yum install -y openssl-devel\necho done: ok\n"
    tool = f'[tool.maturin.generate-ci.github.linux]\nbefore-script-linux = """\n{script}"""\n'
    project = make_project(tmp_path, "pyo3", tool=tool)
    theirs = subprocess.run(
        [_maturin(), "generate-ci", "github"],
        cwd=project, capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    with pytest.raises(ConfigError, match="is not valid YAML"):
        load_yaml(theirs)
    ours = tmp_path / "ours.yml"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project)
        assert cratewright_main(["generate-ci", "github", "-o", str(ours)]) == 0
    build = load_yaml(ours.read_text())["jobs"]["linux"]["steps"][2]
    assert build["with"]["before-script-linux"] == script
    assert check_schema(ours.read_text(), "github").ok


_CRATES = sorted(
    crate.name
    for crate in TEST_CRATES.iterdir()
    if (crate / "pyproject.toml").is_file() or (crate / "Cargo.toml").is_file()
)


@pytest.mark.parametrize("crate", _CRATES)
def test_same_workflow_as_maturin_for_every_test_crate(crate: str) -> None:
    """Run in the crate's folder as a user would (workspaces find their member there)."""
    cwd = TEST_CRATES / crate
    theirs = subprocess.run(
        [_maturin(), "generate-ci", "github"],
        cwd=cwd, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    ours = run_cratewright("generate-ci", "github", cwd=cwd)
    assert (theirs.returncode == 0) == (ours.returncode == 0), (theirs.stderr, ours.stderr)
    if theirs.returncode == 0:
        theirs_doc = load_yaml(theirs.stdout, typed=False)
        assert _without_intended(load_yaml(ours.stdout, typed=False)) == theirs_doc
