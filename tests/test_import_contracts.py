"""The import contracts of pyproject.toml ``[tool.importlinter]`` hold, and can fail.

``lint-imports`` checks three rules: the core never imports Qt or a front (GUI, CLI, PEP 517
backend); core stages are layered (a stage imports only the stages below it); the fronts
import a stage package's public names (its ``__init__``), never one of its modules. The
layers list must name every package and module of ``core/``, so a new one cannot slip in
unlisted, and each contract is shown to break on a copy of the tree with one bad import.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "app" / "cratewright" / "core"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _config() -> dict:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        return tomllib.load(fh)["tool"]["importlinter"]


def _contract(contract_id: str) -> dict:
    return next(c for c in _config()["contracts"] if c["id"] == contract_id)


def _lint(root: Path, app: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(app), "PATH": str(LINT_IMPORTS.parent)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _kept_and_broken(output: str) -> tuple[set[str], set[str]]:
    names = {c["name"] for c in _config()["contracts"]}
    kept = {n for n in names if re.search(rf"^{re.escape(n)} KEPT$", output, re.M)}
    broken = {n for n in names if re.search(rf"^{re.escape(n)} BROKEN$", output, re.M)}
    return kept, broken


def test_import_contracts_are_kept() -> None:
    proc = _lint(ROOT, ROOT / "app")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    kept, broken = _kept_and_broken(proc.stdout)
    assert broken == set()
    assert kept == {c["name"] for c in _config()["contracts"]}


def test_every_core_package_is_in_the_layers() -> None:
    listed = {
        name.strip()
        for layer in _contract("core-stages")["layers"]
        for name in re.split(r"[|:]", layer)
    }
    present = {p.name for p in CORE.iterdir() if (p / "__init__.py").is_file()} | {
        p.stem for p in CORE.glob("*.py") if p.name != "__init__.py"
    }
    assert "build" in present and "tools" in present
    assert present - listed == set(), "add new core packages to [tool.importlinter] layers"
    assert listed - present == set(), "layers name a package that is gone"


_VIOLATIONS = {
    # contract id -> (file under app/cratewright, the import appended to it)
    "core-no-fronts": ("core/wheel/tags.py", "import cratewright.gui.ansi\n"),
    "core-stages": ("core/metadata/names.py", "import cratewright.core.build.plan\n"),
    "fronts-public-names": ("cli_commands/sdist.py", "import cratewright.core.sdist.assemble\n"),
}


@pytest.mark.parametrize("contract_id", sorted(_VIOLATIONS))
def test_a_broken_contract_fails(tmp_path: Path, contract_id: str) -> None:
    """Guard against contracts that cannot fail: one bad import in a copy breaks exactly one."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(
        ROOT / "app" / "cratewright",
        tmp_path / "app" / "cratewright",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    relative, line = _VIOLATIONS[contract_id]
    target = tmp_path / "app" / "cratewright" / relative
    target.write_text(target.read_text(encoding="utf-8") + line, encoding="utf-8")
    proc = _lint(tmp_path, tmp_path / "app")
    assert proc.returncode != 0, proc.stdout
    kept, broken = _kept_and_broken(proc.stdout)
    assert broken == {_contract(contract_id)["name"]}, proc.stdout
    assert len(kept) == len(_config()["contracts"]) - 1
