"""Tests for cratewright.core.metadata.versions, checked against maturin where behaviour matters."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from cratewright.core.metadata.versions import (
    cargo_to_pep440,
    dist_info_dir_name,
    escape_dist_name,
    escape_version,
    parse_pep440,
)
from cratewright.errors import MetadataError

MATURIN = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "maturin"


@pytest.mark.parametrize(
    ("cargo", "expected"),
    [
        ("1.0.0", "1.0.0"),
        ("1.0.0-alpha.1", "1.0.0a1"),
        ("1.0.0-alpha", "1.0.0a0"),
        ("1.0.0-beta.2", "1.0.0b2"),
        ("1.0.0-rc.1", "1.0.0rc1"),
        ("0.10.2-dev", "0.10.2.dev0"),
        ("1.0.0-dev.3", "1.0.0.dev3"),
        ("1.0.0-pre.1", "1.0.0rc1"),
        ("1.0.0-post.1", "1.0.0.post1"),
        ("0.1.0+abc123de", "0.1.0+abc123de"),
        ("1.0.0-alpha.1+abc.Def-9", "1.0.0a1+abc.def.9"),
    ],
)
def test_cargo_to_pep440(cargo: str, expected: str) -> None:
    assert str(cargo_to_pep440(cargo)) == expected


@pytest.mark.parametrize("cargo", ["1.0.0-alpha.beta", "1.0.0-0.3.7", "1.0.0-x.7.z.92"])
def test_invalid_semver_message(cargo: str) -> None:
    with pytest.raises(MetadataError) as info:
        cargo_to_pep440(cargo)
    message = str(info.value)
    assert message.startswith("Rust version used in Cargo.toml is not a valid python version: ")
    assert "after parsing `1.0.0" in message
    assert "rust uses [SemVer](https://semver.org/)" in message


def test_parse_pep440_rejects_garbage() -> None:
    assert str(parse_pep440("01.2.0-beta")) == "1.2.0b0"
    with pytest.raises(MetadataError, match=r"Invalid version in pyproject\.toml"):
        parse_pep440("not a version")


def test_escaping() -> None:
    assert escape_dist_name("My_Pkg-x") == "my_pkg_x"
    assert escape_dist_name("a.-_b__c") == "a_b_c"
    assert escape_version("1.0-1") == "1.0_1"
    assert dist_info_dir_name("P3_pkg.x", cargo_to_pep440("1.2.0-beta")) == (
        "p3_pkg_x-1.2.0b0.dist-info"
    )


def _maturin_dist_info(tmp_path: Path, name: str, version: str) -> tuple[bool, str]:
    """Run maturin's write-dist-info on a tiny bin crate: (ok, dist-info name or error)."""
    crate = tmp_path / name
    (crate / "src").mkdir(parents=True)
    (crate / "src" / "main.rs").write_text("fn main() {}\n")
    (crate / "Cargo.toml").write_text(
        f'[package]\nname = "{name}"\nversion = "{version}"\nedition = "2021"\n'
    )
    (crate / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["maturin>=1,<2"]\nbuild-backend = "maturin"\n'
        '[tool.maturin]\nbindings = "bin"\n'
    )
    out = tmp_path / f"{name}-out"
    env = {**os.environ, "CARGO_TARGET_DIR": str(tmp_path / "target")}
    result = subprocess.run(
        [str(MATURIN), "pep517", "write-dist-info", "--metadata-directory", str(out)],
        cwd=crate,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        causes = [line for line in result.stderr.splitlines() if "not a valid python" in line]
        return False, causes[0].split("Caused by: ", 1)[1]
    return True, result.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize(
    "version",
    [
        "1.0.0-alpha.1",
        "0.10.2-dev",
        "0.1.0+abc123de",
        "2.0.0-rc.3",
        "1.0.0-alpha.beta",
        "1.0.0-alpha.1.2",
        "1.0.0-0.3.7",
    ],
)
def test_matches_maturin(tmp_path: Path, version: str) -> None:
    ok, expected = _maturin_dist_info(tmp_path, "ver-check", version)
    if ok:
        assert dist_info_dir_name("ver-check", cargo_to_pep440(version)) == expected
    else:
        with pytest.raises(MetadataError) as info:
            cargo_to_pep440(version)
        assert str(info.value) == expected
