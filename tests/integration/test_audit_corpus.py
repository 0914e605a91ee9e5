"""`cratewright audit` agrees with `auditwheel show` on real binary wheels from PyPI.

The wheels are downloaded once with pip into target/audit-corpus (reused by later tests and
runs in the same checkout) and cover projects that bundle libraries (numpy, pillow, psycopg2,
shapely, pyzmq, lxml), pure Rust extensions (orjson, pydantic-core, rpds-py, cryptography, ruff's
binary), C++ extensions (kiwisolver, greenlet, msgpack) and musllinux wheels. For each wheel the
policy (auditwheel's ``overall_tag``) and the set of external libraries must be the same.

Rust musl wheels that link musl's libc by the name ``libc.so`` (pydantic-core's, rpds-py's) are
left out: auditwheel 6.8 crashes on them on a glibc host (it picks up glibc's ``libc.so`` linker
script and fails to parse it), so it cannot serve as the oracle there.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, run_cratewright

CACHE = REPO / "target" / "audit-corpus"
AUDITWHEEL = Path(sys.executable).parent / "auditwheel"

#: (requirement, platform given to pip, kind)
CORPUS: tuple[tuple[str, str, str], ...] = (
    ("numpy==2.2.6", "manylinux2014_x86_64", "bundles openblas"),
    ("pillow==13.0.0", "manylinux_2_28_x86_64", "bundles image libraries"),
    ("psycopg2-binary==2.9.13", "manylinux2014_x86_64", "bundles libpq + openssl"),
    ("shapely==2.1.2", "manylinux2014_x86_64", "bundles geos (C++)"),
    ("pyzmq==27.3.0", "manylinux_2_28_x86_64", "bundles libzmq (C++)"),
    ("lxml==6.1.3", "manylinux_2_28_x86_64", "C, static libxml2"),
    ("orjson==3.13.0", "manylinux2014_x86_64", "Rust"),
    ("pydantic-core==2.50.5", "manylinux2014_x86_64", "Rust"),
    ("rpds-py==2026.9.1", "manylinux2014_x86_64", "Rust"),
    ("cryptography==50.0.2", "manylinux_2_34_x86_64", "Rust + C"),
    ("ruff==0.17.6", "manylinux2014_x86_64", "Rust binary in .data/scripts"),
    ("kiwisolver==1.5.1", "manylinux2014_x86_64", "C++"),
    ("greenlet==3.2.5", "manylinux2014_x86_64", "C++"),
    ("msgpack==1.2.4", "manylinux2014_x86_64", "C++ (Cython)"),
    ("markupsafe==3.0.4", "manylinux2014_x86_64", "C"),
    ("ujson==6.1.0", "manylinux2014_x86_64", "C"),
    ("pyyaml==6.0.4", "manylinux2014_x86_64", "C"),
    ("orjson==3.13.0", "musllinux_1_2_x86_64", "Rust, musllinux"),
    ("kiwisolver==1.5.1", "musllinux_1_2_x86_64", "C++, musllinux"),
    ("pillow==13.0.0", "musllinux_1_2_x86_64", "bundles, musllinux"),
    ("msgpack==1.2.4", "musllinux_1_2_x86_64", "C++, musllinux"),
)


def _normalise(requirement: str) -> str:
    return requirement.split("==")[0].replace("-", "_").lower()


def _find(requirement: str, platform: str) -> Path | None:
    version = requirement.split("==")[1]
    family = "musllinux" if platform.startswith("musllinux") else "manylinux"
    for wheel in CACHE.glob("*.whl"):
        dist, wheel_version = wheel.name.split("-")[:2]
        same = dist.lower() == _normalise(requirement) and wheel_version == version
        if same and (family == "musllinux") == ("musllinux" in wheel.name):
            return wheel
    return None


@pytest.fixture(scope="module")
def corpus() -> dict[str, Path]:
    """Download what is missing (one pip call per platform), return label -> wheel."""
    CACHE.mkdir(parents=True, exist_ok=True)
    missing: dict[str, list[str]] = {}
    for requirement, platform, _kind in CORPUS:
        if _find(requirement, platform) is None:
            missing.setdefault(platform, []).append(requirement)
    for platform, requirements in missing.items():
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary", ":all:",
             "--platform", platform, "--python-version", "3.11", "--implementation", "cp",
             "--disable-pip-version-check", "-d", str(CACHE), *requirements],
            capture_output=True, text=True, timeout=900, check=False,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
    found = {}
    for requirement, platform, kind in CORPUS:
        wheel = _find(requirement, platform)
        assert wheel is not None, f"{requirement} for {platform} was not downloaded"
        found[f"{requirement} ({kind})"] = wheel
    return found


def _auditwheel(wheel: Path) -> dict:
    proc = subprocess.run(
        [str(AUDITWHEEL), "show", "--json", str(wheel)],
        capture_output=True, text=True, timeout=600, check=False, cwd="/",
    )  # fmt: skip
    assert proc.returncode == 0, f"{wheel.name}: {proc.stderr[-2000:]}"
    return json.loads(proc.stdout)


def test_corpus_agrees_with_auditwheel(corpus: dict[str, Path]) -> None:
    assert len(corpus) >= 15
    wheels = list(corpus.values())
    proc = run_cratewright("audit", "--json", *wheels)
    assert proc.returncode == 0, proc.stderr
    ours = {Path(r["path"]): r for r in json.loads(proc.stdout)}
    rows = ["| wheel | auditwheel policy | cratewright policy | external libs equal |"]
    rows.append("| --- | --- | --- | --- |")
    mismatches = []
    for label, wheel in corpus.items():
        oracle = _auditwheel(wheel)
        mine = ours[wheel]
        arch = mine["arch"]
        oracle_policy = oracle["overall_tag"].removesuffix(f"_{arch}")
        same_libs = set(oracle["external_libs"]) == set(mine["external_libraries"])
        rows.append(f"| {wheel.name} | {oracle_policy} | {mine['policy']} | {same_libs} |")
        if oracle_policy != mine["policy"] or not same_libs:
            mismatches.append(label)
    table = "\n".join(rows)
    (CACHE / "agreement.md").write_text(table + "\n")
    print(table)
    assert mismatches == [], table
    musl = [w for w in wheels if "musllinux" in w.name]
    bundling = [w for w in wheels if any(".libs/" in n for n in _names(w))]
    assert len(musl) >= 3 and len(bundling) >= 5


def _names(wheel: Path) -> list[str]:
    import zipfile

    with zipfile.ZipFile(wheel) as zf:
        return zf.namelist()


def test_corpus_ladder_explains_each_verdict(corpus: dict[str, Path]) -> None:
    """The verdict's rung passes, and every more portable rung says what blocks it."""
    from cratewright.core.audit.report import audit_path

    for wheel in corpus.values():
        report = audit_path(wheel)
        assert report.errors == (), wheel.name
        verdict = report.rung(report.policy)
        assert verdict is not None and verdict.passes, wheel.name
        for name, reasons in report.blocking.items():
            rung = report.rung(name)
            assert reasons and rung is not None and not rung.passes, (wheel.name, name)
