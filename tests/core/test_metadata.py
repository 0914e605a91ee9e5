"""Tests for cratewright.core.metadata.merge: our METADATA must equal what maturin 1.16 writes.

Every oracle test writes a tiny bin crate into tmp_path, gets the root package from a real
``cargo metadata --no-deps`` run, resolves our metadata, and compares the METADATA text,
entry_points.txt, dist-info name and license files with ``maturin pep517 write-dist-info``.
"""

from __future__ import annotations

import json
import os
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
from packaging.metadata import Metadata
from packaging.specifiers import SpecifierSet

from cratewright.core.metadata.core_metadata import CoreMetadata
from cratewright.core.metadata.merge import resolve_metadata
from cratewright.core.metadata.requirements import canonical_requirement
from cratewright.core.metadata.versions import dist_info_dir_name
from cratewright.errors import MetadataError
from cratewright.events import Event, Message

ROOT = Path(__file__).resolve().parents[2]
MATURIN = ROOT / ".venv" / "bin" / "maturin"
BUILD_SYSTEM = '[build-system]\nrequires = ["maturin>=1,<2"]\nbuild-backend = "maturin"\n'
BIN = '\n[tool.maturin]\nbindings = "bin"\n'


def _write(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


def _crate(name: str, extra: str = "") -> str:
    return f'[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\n{extra}'


def _cargo_package(crate_dir: Path) -> tuple[dict[str, Any], Path]:
    result = subprocess.run(
        [
            "cargo",
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
            "--manifest-path",
            str(crate_dir / "Cargo.toml"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(result.stdout)
    manifest = str((crate_dir / "Cargo.toml").resolve())
    package = next(p for p in data["packages"] if p["manifest_path"] == manifest)
    return package, Path(data["workspace_root"])


def _ours(crate_dir: Path) -> tuple[CoreMetadata, list[Event]]:
    package, workspace_root = _cargo_package(crate_dir)
    pyproject_path = crate_dir / "pyproject.toml"
    pyproject = tomllib.loads(pyproject_path.read_text()) if pyproject_path.exists() else None
    events: list[Event] = []
    meta = resolve_metadata(
        package,
        pyproject,
        project_dir=crate_dir,
        workspace_root=workspace_root,
        sink=events.append,
    )
    return meta, events


def _maturin(crate_dir: Path, out: Path) -> tuple[Path, str]:
    env = {**os.environ, "CARGO_TARGET_DIR": str(ROOT / "target")}
    result = subprocess.run(
        [str(MATURIN), "pep517", "write-dist-info", "--metadata-directory", str(out)],
        cwd=crate_dir,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return out / result.stdout.strip().splitlines()[-1], result.stderr


def _assert_same_as_maturin(crate_dir: Path, tmp_path: Path) -> CoreMetadata:
    meta, events = _ours(crate_dir)
    dist_info, stderr = _maturin(crate_dir, tmp_path / "maturin-out")
    assert dist_info_dir_name(meta.name, meta.version) == dist_info.name
    assert meta.render() == (dist_info / "METADATA").read_bytes().decode()
    entry_points = dist_info / "entry_points.txt"
    expected_ep = entry_points.read_text() if entry_points.exists() else None
    assert meta.entry_points_txt() == expected_ep
    licenses = dist_info / "licenses"
    theirs = {
        p.relative_to(licenses).as_posix(): p.read_bytes()
        for p in (licenses.rglob("*") if licenses.exists() else [])
        if p.is_file()
    }
    assert {f.archive_name: f.source.read_bytes() for f in meta.license_files} == theirs
    ours_msgs = [e.text for e in events if isinstance(e, Message)]
    their_msgs = [line for line in stderr.splitlines() if line.startswith(("📦", "⚠️"))]
    assert ours_msgs == their_msgs
    parsed = Metadata.from_email(meta.render(), validate=True)
    assert parsed.name == meta.name
    return meta


def test_cargo_only(tmp_path: Path) -> None:
    crate = tmp_path / "cargo-only"
    _write(
        crate,
        {
            "Cargo.toml": (
                '[package]\nname = "My_Pkg-x"\nversion = "1.0.0-alpha.1+abc.Def-9"\n'
                'edition = "2021"\nauthors = ["A B <a@b.c>", "C"]\n'
                'description = "  A test project\\n  "\nkeywords = ["ffi", "test"]\n'
                'homepage = "https://example.org"\ndocumentation = "https://docs.rs/x"\n'
                'repository = "https://github.com/x/y"\nlicense = "MIT OR Apache-2.0"\n'
            ),
            "src/main.rs": "fn main() {}\n",
            "README.md": "# Some package\n\nThe readme.\n",
            "LICENSE": "not included without [project]\n",
        },
    )
    meta = _assert_same_as_maturin(crate, tmp_path)
    assert meta.dist_name == "my_pkg_x"
    assert str(meta.version) == "1.0.0a1+abc.def.9"
    assert meta.license_files == []


LICENSE_TEXT = json.dumps(
    "Permission is hereby granted, free of charge, to any person obtaining a copy of this "
    "software and associated documentation files (the Software), to deal in the Software "
    "without restriction, including without limitation the rights to use, copy, modify, merge, "
    "publish, distribute, sublicense, and/or sell copies of the Software.\n\nSecond paragraph "
    "here which is also quite long and must be wrapped somewhere around the seventy eighth "
    "column."
)
AUTHORS = (
    '[{name = "Alice"}, {name = "Bob Smith", email = "bob@x.org"}, {email = "anon@x.org"}, '
    '{name = "Dr. Who", email = "who@x.org"}, '
    '{name = "Q \\"Quote\\" \\\\ B", email = "q@x.org"}, '
    '{name = "Ünï Côde", email = "u@x.org"}]'
)


def test_project_overrides_cargo(tmp_path: Path) -> None:
    crate = tmp_path / "override"
    pyproject = (
        BUILD_SYSTEM
        + """
[project]
name = "P3_pkg.x"
version = "01.2.0-beta"
description = "  Summary with spaces  "
requires-python = "<4 , >=3.8, !=3.9.*"
license = {text = LICENSE_TEXT}
authors = AUTHORS
maintainers = [{name = "M1"}, {name = "M2"}]
keywords = ["a b", "c"]
classifiers = ["Programming Language :: Rust", "License :: OSI Approved :: MIT License"]
[project.urls]
Zed = "https://z.example"
"Bug Tracker" = "https://bugs.example"
[project.scripts]
tool = "p3:main"
other = "p3.cli:run"
[project.gui-scripts]
gui = "p3:gui"
[project.entry-points.zgroup]
z = "p3:z"
b = "p3:b"
[project.entry-points.pytest11]
plug = "p3.plugin"
"""
        + BIN
    )
    pyproject = pyproject.replace("= LICENSE_TEXT}", f"= {LICENSE_TEXT}}}")
    pyproject = pyproject.replace("= AUTHORS", f"= {AUTHORS}")
    _write(
        crate,
        {
            "Cargo.toml": _crate(
                "p3", 'description = "cargo summary"\nauthors = ["Cargo <c@d.e>"]\n'
            ),
            "src/main.rs": "fn main() {}\n",
            "README.md": "cargo readme, cleared by [project]\n",
            "pyproject.toml": pyproject,
        },
    )
    meta = _assert_same_as_maturin(crate, tmp_path)
    assert meta.requires_python == SpecifierSet(">=3.8,!=3.9.*,<4")
    assert meta.scripts == {"other": "p3.cli:run", "tool": "p3:main"}
    assert meta.description is None
    assert meta.license is not None and meta.license.startswith("Permission")
    assert "\r\n\t" in meta.render()


def test_dynamic_fields_and_workspace_inheritance(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    _write(
        ws,
        {
            "Cargo.toml": (
                '[workspace]\nmembers = ["crates/member"]\nresolver = "2"\n'
                '[workspace.package]\nversion = "0.10.2-dev"\n'
                'authors = ["Team <team@example.com>"]\ndescription = "Workspace description"\n'
                'license-file = "LICENSE.txt"\nrepository = "https://github.com/x/y"\n'
                'keywords = ["ws"]\nreadme = "README.md"\n'
            ),
            "LICENSE.txt": "workspace license\n",
            "README.md": "# Workspace readme\n",
            "crates/member/Cargo.toml": (
                '[package]\nname = "member"\nversion.workspace = true\n'
                "authors.workspace = true\ndescription.workspace = true\n"
                "license-file.workspace = true\nrepository.workspace = true\n"
                'keywords.workspace = true\nreadme.workspace = true\nedition = "2021"\n'
            ),
            "crates/member/src/main.rs": "fn main() {}\n",
            "crates/member/COPYING": "member copying\n",
            "crates/member/pyproject.toml": BUILD_SYSTEM
            + '[project]\nname = "member-py"\n'
            + 'dynamic = ["version", "readme", "description", "authors", "keywords", "urls",'
            + ' "license"]\nclassifiers = ["Development Status :: 3 - Alpha"]\n'
            + BIN,
        },
    )
    meta = _assert_same_as_maturin(ws / "crates" / "member", tmp_path)
    assert str(meta.version) == "0.10.2.dev0"
    assert [f.archive_name for f in meta.license_files] == ["LICENSE.txt", "COPYING"]


def test_missing_version_warns(tmp_path: Path) -> None:
    crate = tmp_path / "noversion"
    _write(
        crate,
        {
            "Cargo.toml": _crate("noversion"),
            "src/main.rs": "fn main() {}\n",
            "pyproject.toml": BUILD_SYSTEM + '[project]\nname = "noversion"\n' + BIN,
        },
    )
    meta = _assert_same_as_maturin(crate, tmp_path)
    assert str(meta.version) == "0.1.0"


@pytest.mark.parametrize(
    ("files", "readme"),
    [
        ({"README.rst": "Title\n=====\n"}, '"README.rst"'),
        (
            {"notes.txt": b"line1\r\nline2\r\n"},
            '{file = "notes.txt", content-type = "text/markdown"}',
        ),
        ({}, '{text = "Inline *readme*", content-type = "text/markdown; variant=CommonMark"}'),
        ({"docs/intro.markdown": "Intro\n"}, '{file = "docs/intro.markdown"}'),
        ({"README.md": "cargo's readme\n"}, None),
    ],
)
def test_readme_variants(tmp_path: Path, files: dict[str, str | bytes], readme: str | None) -> None:
    crate = tmp_path / "readme"
    project = '[project]\nname = "readme-test"\nversion = "1.0"\n'
    if readme is None:
        project += 'dynamic = ["readme"]\n'
    else:
        project += f"readme = {readme}\n"
    _write(
        crate,
        {
            "Cargo.toml": _crate("readme-test"),
            "src/main.rs": "fn main() {}\n",
            "pyproject.toml": BUILD_SYSTEM + project + BIN,
            **files,
        },
    )
    _assert_same_as_maturin(crate, tmp_path)


@pytest.mark.parametrize(
    ("cargo_extra", "files"),
    [
        ("readme = false\n", {"README.md": "maturin still guesses this\n"}),
        ("", {"README.rst": "rst\n", "README": "plain readme wins (cargo infers it)\n"}),
        ("", {"README.rst": "only rst\n"}),
        ('readme = "docs/READ.ME"\n', {"docs/READ.ME": "custom\n"}),
    ],
)
def test_cargo_readme_guessing(tmp_path: Path, cargo_extra: str, files: dict[str, str]) -> None:
    crate = tmp_path / "guess"
    _write(
        crate,
        {"Cargo.toml": _crate("guess", cargo_extra), "src/main.rs": "fn main() {}\n", **files},
    )
    _assert_same_as_maturin(crate, tmp_path)


def test_optional_dependencies_and_markers(tmp_path: Path) -> None:
    deps = [
        "requests >= 2.0",
        "Foo [Baz,bar] >= 1.0.0-beta, <2.0.post1",
        "u @ https://example.org/u.whl ; sys_platform == 'linux'",
        "v ; python_version in '3.8 3.9'",
        "w ; '3.8' > python_version",
        "x ; 'linux' in sys_platform and sys_platform not in 'win32 cygwin'",
        "y ; implementation_version >= '3.8.0' and platform_release >= '5.0'",
        "z ; python_version <= '3.8' or python_version > '3.11'",
        "aa ; python_version == '3.8' or python_version == '3.9' or python_version == '3.10'",
        "ab ; python_version != '3.8'",
        "ac ; python_full_version ~= '3.8.1'",
        "ad ; os_name != 'nt' and os_name != 'posix'",
        "ae ; platform_system == 'Linux' and platform_machine == 'x86_64' or "
        "platform_system == 'Darwin'",
        "af ; (python_version < '3.9' or sys_platform == 'win32') and os_name == 'nt'",
        "ag ~=1.4.5, !=1.4.7",
        "ah ; python_version < '3.8' and python_version >= '3.10'",
        "ai ; python_version >= '3.0' or python_version < '3.0'",
        "E_F.g ~= 2.2",
    ]
    optional = {
        "Test": ["pytest>=7", "cov; python_version<'3.10'", "z; os_name=='nt' or os_name=='posix'"],
        "dev_extra": ["black", "p ; python_version >= '3.8' or sys_platform == 'win32'"],
        "all": ["q[Z] @ file:///tmp/q ; os_name == 'nt'", "r ; extra == 'y'"],
    }
    project = (
        '[project]\nname = "depends"\nversion = "1.0"\n'
        f"dependencies = {json.dumps(deps)}\n[project.optional-dependencies]\n"
        + "".join(f"{k} = {json.dumps(v)}\n" for k, v in optional.items())
    )
    crate = tmp_path / "depends"
    _write(
        crate,
        {
            "Cargo.toml": _crate("depends"),
            "src/main.rs": "fn main() {}\n",
            "pyproject.toml": BUILD_SYSTEM + project + BIN,
        },
    )
    meta = _assert_same_as_maturin(crate, tmp_path)
    # maturin reads the table into a sorted map: raw keys sort "Test" < "all" < "dev_extra"
    assert meta.provides_extra == ["test", "all", "dev-extra"]


def test_license_expression_and_auto_files(tmp_path: Path) -> None:
    crate = tmp_path / "lic"
    files = {
        name: f"{name}\n"
        for name in [
            "LICENSE",
            "LICENCE.txt",
            "LICENSE-APACHE",
            "COPYING",
            "NOTICE.md",
            "AUTHORS",
            "_vendor/LICENSE",
        ]
    }
    _write(
        crate,
        {
            "Cargo.toml": _crate("lic", 'license-file = "legal/CARGO-LIC"\n'),
            "legal/CARGO-LIC": "cargo license\n",
            "src/main.rs": "fn main() {}\n",
            "pyproject.toml": BUILD_SYSTEM
            + '[project]\nname = "lic"\nversion = "2.0.0rc1"\nlicense = "MIT OR Apache-2.0"\n'
            + BIN,
            **files,
        },
    )
    meta = _assert_same_as_maturin(crate, tmp_path)
    assert meta.license_expression == "MIT OR Apache-2.0"
    assert "_vendor/LICENSE" not in [f.archive_name for f in meta.license_files]


def test_license_files_globs_and_license_file(tmp_path: Path) -> None:
    crate = tmp_path / "globs"
    _write(
        crate,
        {
            "Cargo.toml": _crate("globs", 'license = "MIT"\n'),
            "src/main.rs": "fn main() {}\n",
            "LICENSE": "main\n",
            "COPYING": "not auto-included when license-files is set\n",
            "licenses/x.txt": "x\n",
            "licenses/.hidden.txt": "hidden\n",
            "licenses/sub/y.txt": "y\n",
            "licenses/a-b/z.txt": "z\n",
            "pyproject.toml": BUILD_SYSTEM
            + '[project]\nname = "globs"\nversion = "0.0.1"\nlicense = {file = "LICENSE"}\n'
            + 'license-files = ["licenses/**/*.txt", "LICENSE"]\ndynamic = ["license"]\n'
            + BIN,
        },
    )
    meta = _assert_same_as_maturin(crate, tmp_path)
    assert meta.license == "MIT"


def test_workspace_relative_readme_and_license(tmp_path: Path) -> None:
    ws = tmp_path / "ws2"
    _write(
        ws,
        {
            "Cargo.toml": '[workspace]\nmembers = ["crates/member"]\nresolver = "2"\n',
            "LICENSE.txt": "workspace license\n",
            "README.md": "# Workspace readme\n",
            "crates/member/Cargo.toml": _crate("member"),
            "crates/member/src/main.rs": "fn main() {}\n",
            "crates/member/pyproject.toml": BUILD_SYSTEM
            + '[project]\nname = "member"\nversion = "1.0"\nreadme = "../../README.md"\n'
            + 'license = {file = "../../LICENSE.txt"}\nlicense-files = []\n'
            + 'authors = [{name = "X", email = "x@y.z"}]\n'
            + BIN,
        },
    )
    _assert_same_as_maturin(ws / "crates" / "member", tmp_path)


# ---------------------------------------------------------------------------------------------
# Errors and API details (no oracle needed)


def _resolve(tmp_path: Path, pyproject: str, files: dict[str, str] | None = None) -> CoreMetadata:
    crate = tmp_path / "err"
    _write(
        crate,
        {
            "Cargo.toml": _crate("err"),
            "src/main.rs": "fn main() {}\n",
            "pyproject.toml": pyproject,
            **(files or {}),
        },
    )
    return _ours(crate)[0]


@pytest.mark.parametrize(
    ("project", "message"),
    [
        ('name = "x"\ndynamic = ["name"]', "must not specify `name`"),
        ('name = "x"\nreadme = {file = "a.md", text = "b"}', "mutually-exclusive"),
        ('name = "x"\nreadme = "missing.md"', "Failed to read readme specified in pyproject"),
        ('name = "x"\nreadme = "/etc/hostname"', "must be relative to pyproject.toml"),
        ('name = "x"\nreadme = "../../../../../../etc/hostname"', "resolves outside allowed"),
        ('name = "x"\nlicense-files = ["../LICENSE"]', "parent directory operator"),
        ('name = "x"\nlicense-files = ["LICEN!E"]', "Invalid character `!`"),
        ('name = "x"\n[project.entry-points.console_scripts]\na = "b:c"', "console_scripts"),
        ('name = "bad name"', "Invalid distribution name"),
        ('name = "x"\nversion = "1.0-foo-bar"', "Invalid version in pyproject.toml"),
        ('name = "x"\ndependencies = ["foo >="]', "Invalid dependency"),
        ('name = "x"\n[project.optional-dependencies]\n"-bad" = ["a"]', "invalid extra name"),
    ],
)
def test_errors(tmp_path: Path, project: str, message: str) -> None:
    with pytest.raises(MetadataError, match=message):
        _resolve(tmp_path, f"[project]\n{project}\n")


def test_cargo_license_file_outside_workspace(tmp_path: Path) -> None:
    crate = tmp_path / "outside"
    _write(
        tmp_path,
        {
            "LICENSE-OUT": "x\n",
            "outside/Cargo.toml": _crate("outside", 'license-file = "../LICENSE-OUT"\n'),
            "outside/src/main.rs": "fn main() {}\n",
        },
    )
    package, _ = _cargo_package(crate)
    with pytest.raises(MetadataError, match="resolves outside Cargo workspace root"):
        resolve_metadata(
            package, None, project_dir=crate, workspace_root=crate, sink=lambda e: None
        )


def test_no_project_table_keeps_cargo_fields(tmp_path: Path) -> None:
    meta = _resolve(tmp_path, BUILD_SYSTEM + BIN, {"LICENSE": "x\n"})
    assert meta.name == "err"
    assert meta.license_files == []
    assert meta.entry_points_txt() is None
    assert meta.requires_python is None


def test_canonical_requirement_examples() -> None:
    assert canonical_requirement("Foo_Bar[X] >=1.0", extra="Dev_Tools") == (
        "foo-bar[x]>=1.0 ; extra == 'dev-tools'"
    )
    assert canonical_requirement("a; python_version >= '3.8' and python_version < '3.9'") == (
        "a ; python_full_version == '3.8.*'"
    )


def test_license_text_folding_and_marker_algebra(tmp_path: Path) -> None:
    license_text = (
        "A very-long-hyphenated-word-license-text that goes on and on with words like "
        "supercalifragilisticexpialidocious-and-more-hyphens-here and "
        "https://example.com/a/very/long/url/that/does/not/fit/on/one/line/at/all/whatsoever/"
        "really/long end.\nShort line\n\n  indented line that is long enough to need wrapping "
        "because it exceeds seventy-eight cols"
    )
    deps = [
        "a ; python_version >= '3.8' and python_version < '3.12' or python_version >= '3.13'",
        "b ; sys_platform == 'win32' or sys_platform == 'darwin' or sys_platform == 'linux'",
        "c ; (os_name == 'nt' or os_name == 'posix') and "
        "(sys_platform == 'win32' or python_version < '3.9')",
        "d ; python_full_version >= '3.8.1' and python_full_version != '3.9.2' and "
        "python_version < '3.11'",
        "e ; platform_machine != 'x86_64' or implementation_name == 'pypy'",
        "f ; python_version > '3.8.5'",
        "g ; python_version == '3.*'",
        "h ; python_full_version == '3.10.*' or python_full_version >= '3.12.0rc1'",
        "i ; extra != 'x' and os_name == 'nt'",
        "j ; 'x86' not in platform_machine or platform_release < '6'",
        "k ; sys_platform >= 'a' and sys_platform <= 'm'",
        "l ; implementation_version in '3.8.0 3.9.1' and python_version not in '3.8'",
    ]
    extras = [
        "m ; extra == 'x' or os_name == 'nt'",
        "n ; python_version >= '3.9' or python_version < '3.7'",
        "o ; os_name != 'nt'",
    ]
    crate = tmp_path / "fold"
    _write(
        crate,
        {
            "Cargo.toml": _crate("fold"),
            "src/main.rs": "fn main() {}\n",
            "pyproject.toml": BUILD_SYSTEM
            + '[project]\nname = "fold"\nversion = "1"\n'
            + f"license = {{text = {json.dumps(license_text)}}}\n"
            + f"dependencies = {json.dumps(deps)}\n"
            + f"[project.optional-dependencies]\nx = {json.dumps(extras)}\n"
            + BIN,
        },
    )
    _assert_same_as_maturin(crate, tmp_path)
