"""Small generated projects for the generate-ci tests: a pyproject and a Cargo.toml in tmp.

``cargo metadata`` is all generate-ci needs, so pyo3 and uniffi are stand-in path crates with
the right names and features: the dependency graph looks as it would with the real crates,
and nothing is downloaded or compiled.
"""

from __future__ import annotations

from pathlib import Path

_FAKE_CRATES = {
    "pyo3": '[features]\nextension-module = []\nabi3 = []\nabi3-py38 = ["abi3"]\n'
    'abi3-py39 = ["abi3"]\nabi3-py311 = ["abi3"]\n',
    "uniffi": "",
}


def _fake_crate(root: Path, name: str) -> Path:
    crate = root / f"fake-{name}"
    (crate / "src").mkdir(parents=True, exist_ok=True)
    (crate / "src" / "lib.rs").write_text("")
    version = "0.30.0" if name == "pyo3" else "0.31.0"
    (crate / "Cargo.toml").write_text(
        f'[package]\nname = "{name}"\nversion = "{version}"\nedition = "2021"\n\n'
        + _FAKE_CRATES[name]
    )
    return crate


def make_project(
    root: Path,
    bindings: str = "pyo3",
    *,
    abi3: bool = False,
    name: str = "demo-pkg",
    requires_python: str | None = ">=3.9",
    tool: str = "",
    pyproject: bool = True,
) -> Path:
    """A project dir for ``bindings`` (pyo3, cffi, uniffi, bin, bin-pyo3); ``tool`` is TOML
    appended to pyproject.toml (e.g. a ``[tool.maturin.generate-ci.github]`` table)."""
    project = root / "project"
    (project / "src").mkdir(parents=True, exist_ok=True)
    deps = ""
    if bindings in ("pyo3", "bin-pyo3"):
        features = ', features = ["abi3-py39"]' if abi3 else ""
        deps = f'pyo3 = {{ path = "{_fake_crate(root, "pyo3")}"{features} }}\n'
    elif bindings == "uniffi":
        deps = f'uniffi = {{ path = "{_fake_crate(root, "uniffi")}" }}\n'
    if bindings.startswith("bin"):
        target = '[[bin]]\nname = "demo"\npath = "src/main.rs"\n'
        (project / "src" / "main.rs").write_text("fn main() {}\n")
    else:
        target = '[lib]\nname = "demo"\ncrate-type = ["cdylib"]\n'
        (project / "src" / "lib.rs").write_text("")
    (project / "Cargo.toml").write_text(
        '[package]\nname = "demo-crate"\nversion = "0.1.0"\nedition = "2021"\n\n'
        f"{target}\n[dependencies]\n{deps}"
    )
    if pyproject:
        lines = ['[build-system]\nrequires = ["maturin>=1,<2"]\nbuild-backend = "maturin"\n',
                 f'[project]\nname = "{name}"\nversion = "0.1.0"']  # fmt: skip
        if requires_python:
            lines.append(f'requires-python = "{requires_python}"')
        text = "\n".join(lines) + "\n"
        if bindings.startswith("bin"):
            text += '\n[tool.maturin]\nbindings = "bin"\n'
        (project / "pyproject.toml").write_text(text + ("\n" + tool if tool else ""))
    return project
