"""Tests for the CycloneDX SBOM, against real ``cargo metadata`` and maturin's own SBOM."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from cratewright.core.wheel.sbom import cyclonedx_sbom, purl_for, sbom_file_name
from cratewright.errors import BuildError

REPO = Path(__file__).resolve().parents[2]
MATURIN = Path(sys.executable).parent / "maturin"
EPOCH = {"SOURCE_DATE_EPOCH": "1700000001"}


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _make_crate(root: Path) -> None:
    """A bin crate: itoa (registry), helper (path, with a build-dep), devonly (dev-dep)."""
    _write(
        root / "Cargo.toml",
        "[package]\n"
        'name = "sbom-probe"\nversion = "0.3.0"\nedition = "2021"\n'
        'authors = ["Jane Doe <jane@example.com>", "Bob"]\n'
        'description = "Probe\\tcrate"\nlicense = "MIT/Apache-2.0"\n'
        'repository = "https://example.com/probe"\n'
        '[dependencies]\nitoa = "1"\nhelper = { path = "helper" }\n'
        '[dev-dependencies]\ndevonly = { path = "devonly" }\n',
    )
    _write(
        root / "src" / "main.rs",
        'fn main() { helper::h(); println!("{}", itoa::Buffer::new().format(1)); }\n',
    )
    _write(
        root / "helper" / "Cargo.toml",
        '[package]\nname = "helper"\nversion = "0.1.0"\nedition = "2021"\n'
        'license = "Custom-Thing"\n[build-dependencies]\nbuildtool = { path = "../buildtool" }\n',
    )
    _write(root / "helper" / "src" / "lib.rs", "pub fn h() {}\n")
    _write(root / "helper" / "build.rs", "fn main() { buildtool::b(); }\n")
    for name in ("buildtool", "devonly"):
        _write(
            root / name / "Cargo.toml",
            f'[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\n',
        )
        _write(root / name / "src" / "lib.rs", "pub fn b() {}\n")
    _write(
        root / "pyproject.toml",
        '[build-system]\nrequires = ["maturin>=1.8,<2"]\nbuild-backend = "maturin"\n'
        '[project]\nname = "sbom-probe"\nversion = "0.3.0"\n[tool.maturin]\nbindings = "bin"\n',
    )


@pytest.fixture(scope="module")
def probe(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The probe crate, its ``cargo metadata`` and the SBOM maturin put in its wheel."""
    crate = tmp_path_factory.mktemp("probe")
    _make_crate(crate)
    env = dict(os.environ, CARGO_TARGET_DIR=str(REPO / "target"), **EPOCH)
    meta = subprocess.run(
        ["cargo", "metadata", "--format-version", "1"],
        cwd=crate,
        env=env,
        check=True,
        capture_output=True,
    )
    metadata = json.loads(meta.stdout)
    out = crate / "dist"
    subprocess.run(
        [str(MATURIN), "build", "-o", str(out)], cwd=crate, env=env, check=True, capture_output=True
    )
    (wheel,) = out.glob("*.whl")
    with zipfile.ZipFile(wheel) as zf:
        maturin_sbom = zf.read(f"sbom_probe-0.3.0.dist-info/sboms/{sbom_file_name('sbom-probe')}")
    return {"crate": crate, "metadata": metadata, "maturin_sbom": maturin_sbom}


def _root_id(metadata: dict[str, Any]) -> str:
    return metadata["resolve"]["root"]


def test_sbom_file_name() -> None:
    assert sbom_file_name("tiny-ext") == "tiny-ext.cyclonedx.json"
    assert sbom_file_name("tiny_two") == "tiny_two.cyclonedx.json"


def test_components_scopes_and_dependencies(probe: dict[str, Any]) -> None:
    metadata = probe["metadata"]
    bom = json.loads(cyclonedx_sbom(metadata, _root_id(metadata), environ={}))
    assert (bom["bomFormat"], bom["specVersion"], bom["version"]) == ("CycloneDX", "1.5", 1)
    assert "serialNumber" not in bom and "timestamp" not in bom["metadata"]
    by_name = {c["name"]: c for c in bom["components"]}
    assert sorted(by_name) == ["buildtool", "helper", "itoa"]  # no devonly, no root
    assert [c["bom-ref"] for c in bom["components"]] == sorted(
        by_name[n]["bom-ref"] for n in by_name
    )
    assert by_name["itoa"]["purl"] == f"pkg:cargo/itoa@{by_name['itoa']['version']}"
    assert by_name["itoa"]["scope"] == "required"
    assert len(by_name["itoa"]["hashes"][0]["content"]) == 64  # from Cargo.lock
    assert by_name["helper"]["purl"] == "pkg:cargo/helper@0.1.0?download_url=file://helper"
    assert by_name["helper"]["licenses"] == [{"license": {"name": "Custom-Thing"}}]
    assert by_name["buildtool"]["scope"] == "excluded"  # only reached as a build-dependency
    assert "hashes" not in by_name["helper"]

    root = bom["metadata"]["component"]
    assert root["type"] == "application"
    assert root["purl"] == "pkg:cargo/sbom-probe@0.3.0?download_url=file://."
    assert root["licenses"] == [{"expression": "MIT OR Apache-2.0"}]
    assert root["description"] == "Probe crate"
    assert root["author"] == "Jane Doe <jane@example.com>, Bob"
    assert root["components"] == [
        {
            "type": "application",
            "bom-ref": f"{root['bom-ref']} bin-target-0",
            "name": "sbom-probe",
            "version": "0.3.0",
            "purl": "pkg:cargo/sbom-probe@0.3.0?download_url=file://.#src/main.rs",
        }
    ]
    assert bom["metadata"]["authors"] == [
        {"name": "Jane Doe", "email": "jane@example.com"},
        {"name": "Bob"},
    ]

    deps = {d["ref"]: d.get("dependsOn", []) for d in bom["dependencies"]}
    ids = {c["name"]: c["bom-ref"] for c in bom["components"]}
    assert set(deps) == {root["bom-ref"], *ids.values()}
    assert sorted(deps[root["bom-ref"]]) == sorted([ids["itoa"], ids["helper"]])
    assert deps[ids["helper"]] == [ids["buildtool"]]
    assert deps[ids["itoa"]] == []


def test_deterministic_and_timestamp(probe: dict[str, Any]) -> None:
    metadata = probe["metadata"]
    first = cyclonedx_sbom(metadata, _root_id(metadata), environ={})
    second = cyclonedx_sbom(json.loads(json.dumps(metadata)), _root_id(metadata), environ={})
    assert first == second
    stamped = cyclonedx_sbom(metadata, _root_id(metadata), environ=EPOCH)
    assert stamped == cyclonedx_sbom(metadata, _root_id(metadata), environ=EPOCH)
    assert json.loads(stamped)["metadata"]["timestamp"] == "2023-11-14T22:13:21.000000000Z"
    assert not first.endswith(b"\n") and first.startswith(b'{\n  "bomFormat": "CycloneDX",')


def _path_free(maturin_sbom: bytes, crate: Path) -> bytes:
    """maturin's SBOM with its local package ids made relative, as ours are."""
    prefix = f"path+file://{crate}".encode()
    return maturin_sbom.replace(prefix + b"/", b"path+file:").replace(
        prefix + b"#", b"path+file:.#"
    )


def test_no_local_path_in_the_sbom(probe: dict[str, Any]) -> None:
    """maturin's bom-refs name the checkout folder; ours are relative to the root package."""
    metadata = probe["metadata"]
    ours = cyclonedx_sbom(metadata, _root_id(metadata), environ={})
    assert str(probe["crate"]).encode() in probe["maturin_sbom"]
    assert str(probe["crate"]).encode() not in ours
    bom = json.loads(ours)
    refs = {c["name"]: c["bom-ref"] for c in bom["components"]}
    assert refs["helper"] == "path+file:helper#0.1.0"
    assert bom["metadata"]["component"]["bom-ref"] == "path+file:.#sbom-probe@0.3.0"
    assert refs["itoa"].startswith("registry+https://github.com/rust-lang/crates.io-index#itoa@")


def test_matches_maturin_sbom(probe: dict[str, Any]) -> None:
    """The same document as maturin's, but for the local package ids (see above)."""
    metadata = probe["metadata"]
    maturin_sbom = _path_free(probe["maturin_sbom"], probe["crate"])
    theirs = json.loads(maturin_sbom)
    ours_bytes = cyclonedx_sbom(metadata, _root_id(metadata), environ=EPOCH)
    ours = json.loads(ours_bytes)
    assert {c["purl"] for c in ours["components"]} == {c["purl"] for c in theirs["components"]}
    # with SOURCE_DATE_EPOCH maturin drops the serial number too: everything but the tool
    # name is the same, and with maturin's tool entry even the bytes are
    assert "serialNumber" not in theirs
    theirs_tool = theirs["metadata"]["tools"][0]
    assert ours["metadata"].pop("tools") != theirs["metadata"].pop("tools")
    assert ours == theirs
    tool = (theirs_tool["vendor"], theirs_tool["name"], theirs_tool["version"])
    same_tool = cyclonedx_sbom(metadata, _root_id(metadata), environ=EPOCH, tool=tool)
    assert same_tool == maturin_sbom


def test_purls_for_other_sources() -> None:
    root = {"name": "r", "version": "1.0.0", "manifest_path": "/ws/r/Cargo.toml"}
    git = {
        "name": "g",
        "version": "0.1.0+meta",
        "source": "git+https://github.com/o/g.git?branch=dev#0123abc",
    }
    assert purl_for(git, root, "/ws") == (
        "pkg:cargo/g@0.1.0+meta?vcs_url=git+https://github.com/o/g.git%400123abc"
    )
    other = {"name": "x", "version": "2.0.0", "source": "sparse+https://my.reg/index/"}
    assert purl_for(other, root, "/ws") == "pkg:cargo/x@2.0.0?repository_url=https://my.reg/index/"
    sibling = {"name": "s", "version": "1.0.0", "manifest_path": "/ws/libs/s/Cargo.toml"}
    assert purl_for(sibling, root, "/ws") == "pkg:cargo/s@1.0.0?download_url=file://../libs/s"
    # cargo-cyclonedx (maturin) writes /elsewhere/o here; no local path ever goes in ours
    outside = {"name": "o", "version": "1.0.0", "manifest_path": "/elsewhere/o/Cargo.toml"}
    assert (
        purl_for(outside, root, "/ws") == "pkg:cargo/o@1.0.0?download_url=file://../../elsewhere/o"
    )


def test_bad_metadata_is_a_build_error(probe: dict[str, Any]) -> None:
    metadata = probe["metadata"]
    with pytest.raises(BuildError, match="--no-deps"):
        cyclonedx_sbom({**metadata, "resolve": None}, _root_id(metadata), environ={})
    with pytest.raises(BuildError, match="not in the cargo metadata"):
        cyclonedx_sbom(metadata, "path+file:///nowhere#x@1.0.0", environ={})
