"""A corpus of 34 real-world-styled projects: merge, provenance, single-field edits, errors.

Each project is written into tmp_path by the test (bin crates, so maturin can be the oracle
without compiling). For every one we check that

* the METADATA our view renders equals what ``maturin pep517 write-dist-info`` writes, and
  that our ``cargo metadata`` emulation agrees with real ``cargo metadata``;
* every editable field (here and in every test crate), set to a new valid value and (when
  present) removed, changes only the lines of that key (byte diff against the original) in
  only the owning file, reads back with tomllib as exactly the intended change, and leaves
  METADATA valid for twine;
* a syntax error anywhere gives an error naming the file and the line.
"""

from __future__ import annotations

import copy
import difflib
import json
import os
import re
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cratewright.core.metadata.edit import MetadataSession
from cratewright.core.metadata.field_specs import FIELDS
from cratewright.core.metadata.field_view import Location
from cratewright.core.metadata.fields import cargo_package
from cratewright.core.metadata.validate import preflight
from cratewright.errors import ProjectError
from tests.conftest import BUILDABLE_CRATES, TEST_CRATES

ROOT = Path(__file__).resolve().parents[2]
MATURIN = ROOT / ".venv" / "bin" / "maturin"
MAIN_RS = "fn main() {}\n"
BUILD = '[build-system]\nrequires = ["maturin>=1,<2"]\nbuild-backend = "maturin"\n'
BIN = '\n[tool.maturin]\nbindings = "bin"\n'


@dataclass(frozen=True)
class Case:
    """A project: files relative to the case root, and the directory maturin runs in."""

    id: str
    files: dict[str, str]
    open_dir: str = "."


def _crate(body: str, *, main: str = "src/main.rs", prefix: str = "") -> dict[str, str]:
    return {f"{prefix}Cargo.toml": body, f"{prefix}{main}": MAIN_RS}


def _pkg(name: str, extra: str = "", version: str = '"0.1.0"') -> str:
    return f'[package]\nname = "{name}"\nversion = {version}\nedition = "2021"\n{extra}'


CASES: list[Case] = [
    Case("cargo-minimal", _crate(_pkg("minimal"))),
    Case(
        "cargo-full",
        {
            **_crate(
                _pkg(
                    "full-crate",
                    '# what it is\ndescription = "A full Cargo crate"  # one line\n'
                    'authors = ["Jane Doe <jane@example.com>", "Bot"]\n'
                    'keywords = ["cli", "tool"]\nlicense = "MIT OR Apache-2.0"\n'
                    'homepage = "https://example.com"\nrepository = "https://github.com/x/y"\n'
                    'documentation = "https://docs.rs/full-crate"\nreadme = "README.md"\n',
                )
            ),
            "README.md": "# Full\n\nHello.\n",
        },
    ),
    Case(
        "cargo-prerelease-comments",
        _crate(
            "# A crate with comments everywhere\n[package] # the package\n"
            'name = "pre-release"   # name\nversion = "1.0.0-alpha.1" # semver pre\n'
            'edition = "2021"\n\n# keywords below\nkeywords = [\n    "a", # first\n'
            '    "b",\n]\n\n[dependencies]\n# none\n'
        ),
    ),
    Case("cargo-rc", _crate(_pkg("rc-crate", 'description = "rc"\n', '"2.0.0-rc.1"'))),
    Case("cargo-dev", _crate(_pkg("dev-crate", 'license = "MIT"\n', '"0.3.0-dev"'))),
    Case(
        "cargo-readme-guess",
        {**_crate(_pkg("guess", 'description = "guessed readme"\n')), "README.md": "guess\n"},
    ),
    Case(
        "cargo-readme-rst",
        {**_crate(_pkg("rst-readme")), "README.rst": "Title\n=====\n\nText.\n"},
    ),
    Case(
        "cargo-license-file",
        {
            **_crate(_pkg("lic-file", 'license-file = "LICENSE.txt"\n')),
            "LICENSE.txt": "custom license\n",
        },
    ),
    Case(
        "cargo-dotted-package",
        {
            "Cargo.toml": 'package.name = "dotted-pkg"\npackage.version = "0.4.0"\n'
            'package.edition = "2021"\npackage.description = "dotted keys at top level"\n',
            "src/main.rs": MAIN_RS,
        },
    ),
    Case(
        "cargo-inline-deps",
        _crate(
            _pkg("inline-deps", 'description = "x"\nkeywords = ["k"]\n')
            + '\n[dependencies]\nserde = { version = "1", optional = true }\n\n'
            "[features]\ndefault = []\n"
        ),
    ),
    Case(
        "project-basic",
        {
            **_crate(_pkg("project-basic", 'description = "cargo desc"\n')),
            "pyproject.toml": BUILD + '\n[project]\nname = "project-basic"\n'
            'description = "project desc"\nrequires-python = ">=3.9"\ndynamic = ["version"]\n'
            + BIN,
        },
    ),
    Case(
        "project-full",
        {
            **_crate(_pkg("project-full", 'license = "MIT"\nreadme = "README.md"\n', '"1.2.0"')),
            "README.md": "# Project full\n",
            "LICENSE": "MIT text\n",
            "pyproject.toml": BUILD + "\n[project]\n"
            'name = "project-full"\ndescription = "Everything in [project]"\n'
            'readme = "README.md"\nlicense = "MIT"\nrequires-python = ">=3.9"\n'
            "authors = [\n"
            '    { name = "Ada Lovelace", email = "ada@example.com" },\n'
            '    { name = "Charles Babbage" },\n'
            "]\n"
            'maintainers = [{ email = "team@example.org" }]\n'
            'keywords = ["rust", "python"]\n'
            "classifiers = [\n"
            '    "Programming Language :: Python :: 3",\n'
            '    "Programming Language :: Rust",\n'
            "]\n"
            'dependencies = ["packaging>=21", \'tomli>=1.1; python_version < "3.11"\']\n'
            'dynamic = ["version"]\n\n'
            "[project.optional-dependencies]\n"
            'test = ["pytest>=7"]\ndocs = ["sphinx>=7", "furo"]\n\n'
            "[project.urls]\n"
            'Homepage = "https://example.com"\n"Bug Tracker" = "https://example.com/issues"\n\n'
            "[project.scripts]\n"
            'full-cli = "project_full:main"\n\n'
            '[project.entry-points."project_full.plugins"]\n'
            'one = "project_full.plugins:one"\n' + BIN,
        },
    ),
    Case(
        "project-version-static",
        {
            **_crate(_pkg("static-version", "", '"0.1.0"')),
            "pyproject.toml": BUILD
            + '\n[project]\nname = "static-version"\nversion = "3.1.4"\n'
            + BIN,
        },
    ),
    Case(
        "project-version-not-dynamic",
        {
            **_crate(_pkg("no-dynamic", 'description = "ignored"\n', '"0.5.0"')),
            "pyproject.toml": BUILD + '\n[project]\nname = "no-dynamic"\n' + BIN,
        },
    ),
    Case(
        "project-dynamic-many",
        {
            **_crate(
                _pkg(
                    "dyn-many",
                    'description = "from cargo"\nauthors = ["Cargo Author <c@example.com>"]\n'
                    'keywords = ["cargo"]\nlicense = "Apache-2.0"\n'
                    'homepage = "https://cargo.example"\nrepository = "https://git.example"\n',
                )
            ),
            "pyproject.toml": BUILD + '\n[project]\nname = "dyn-many"\n'
            'dynamic = ["version", "description", "authors", "keywords", "license", "urls"]\n'
            + BIN,
        },
    ),
    Case(
        "project-dynamic-and-set",
        {
            **_crate(_pkg("dyn-set", 'description = "cargo wins?"\nkeywords = ["c"]\n')),
            "pyproject.toml": BUILD + '\n[project]\nname = "dyn-set"\n'
            'description = "project wins"\ndynamic = ["version", "description", "keywords"]\n'
            + BIN,
        },
    ),
    Case(
        "project-inline-tables",
        {
            **_crate(_pkg("inline-tables")),
            "pyproject.toml": BUILD + '\n[project]\nname = "inline-tables"\n'
            'dynamic = ["version"]\nurls = { Homepage = "https://inline.example" }\n'
            'scripts = { inline-cli = "inline_tables:main" }\n'
            'optional-dependencies = { cli = ["click>=8"] }\n' + BIN,
        },
    ),
    Case(
        "project-readme-table",
        {
            **_crate(_pkg("readme-table")),
            "docs/intro.md": "# Intro\n",
            "pyproject.toml": BUILD + '\n[project]\nname = "readme-table"\n'
            'readme = { file = "docs/intro.md", content-type = "text/markdown" }\n'
            'dynamic = ["version"]\n' + BIN,
        },
    ),
    Case(
        "project-readme-text",
        {
            **_crate(_pkg("readme-text")),
            "pyproject.toml": BUILD + '\n[project]\nname = "readme-text"\n'
            'readme = { text = "Inline readme", content-type = "text/plain" }\n'
            'dynamic = ["version"]\n' + BIN,
        },
    ),
    Case(
        "project-license-files",
        {
            **_crate(_pkg("lic-files")),
            "LICENSE-MIT": "mit\n",
            "LICENSE-APACHE": "apache\n",
            "pyproject.toml": BUILD + '\n[project]\nname = "lic-files"\n'
            'license = "MIT OR Apache-2.0"\nlicense-files = ["LICENSE-*"]\n'
            'dynamic = ["version"]\n' + BIN,
        },
    ),
    Case(
        "project-literal-strings",
        {
            **_crate(_pkg("literal-strings")),
            "pyproject.toml": BUILD + "\n[project]\nname = 'literal-strings'\n"
            "description = 'single quoted'\nrequires-python = '>=3.10'\n"
            "dependencies = [\n  'requests >= 2',  # http\n  'attrs',\n]\n"
            "dynamic = ['version']\n" + BIN,
        },
    ),
    Case(
        "project-gui-and-entry-points",
        {
            **_crate(_pkg("gui-eps")),
            "pyproject.toml": BUILD + '\n[project]\nname = "gui-eps"\ndynamic = ["version"]\n\n'
            '[project.gui-scripts]\ngui-eps = "gui_eps.app:run"\n\n'
            '[project.entry-points.pytest11]\ngui_eps = "gui_eps.plugin"\n' + BIN,
        },
    ),
    Case(
        "project-unicode",
        {
            **_crate(_pkg("unicode-proj")),
            "pyproject.toml": BUILD + '\n[project]\nname = "unicode-proj"\n'
            'description = "Ünïcødé — summary ✓"\n'
            'authors = [{ name = "Zoë Ångström", email = "zoe@example.com" }]\n'
            'dynamic = ["version"]\n' + BIN,
        },
    ),
    Case(
        "project-blank-lines-and-tool",
        {
            **_crate(_pkg("blank-lines")),
            "pyproject.toml": BUILD + '\n\n[project]\n\nname = "blank-lines"\n\n'
            'dynamic = ["version"]\n\n\nkeywords = ["spaced"]\n\n\n'
            "[tool.maturin]\n"
            'bindings = "bin"\n\n[tool.ruff]\nline-length = 100\n',
        },
    ),
    Case(
        "project-no-trailing-newline",
        {
            **_crate(_pkg("no-newline")),
            "pyproject.toml": BUILD + '\n[tool.maturin]\nbindings = "bin"\n\n[project]\n'
            'name = "no-newline"\ndynamic = ["version"]\ndescription = "last line"',
        },
    ),
    Case(
        "project-classifier-heavy",
        {
            **_crate(_pkg("classy")),
            "pyproject.toml": BUILD + '\n[project]\nname = "classy"\ndynamic = ["version"]\n'
            "classifiers = [\n"
            '  "Development Status :: 4 - Beta",\n'
            '  "Intended Audience :: Developers",\n'
            "  # operating systems\n"
            '  "Operating System :: OS Independent",\n'
            '  "Programming Language :: Python :: 3 :: Only",\n'
            "]\n" + BIN,
        },
    ),
    Case(
        "project-markers",
        {
            **_crate(_pkg("markers")),
            "pyproject.toml": BUILD + '\n[project]\nname = "markers"\ndynamic = ["version"]\n'
            "dependencies = [\n"
            '    "numpy>=1.26,<3",\n'
            "    \"pywin32; sys_platform == 'win32'\",\n"
            "    \"typing-extensions>=4; python_version < '3.12'\",\n"
            "]\n" + BIN,
        },
    ),
    Case(
        "workspace-root-project",
        {
            "Cargo.toml": '[workspace]\nresolver = "2"\nmembers = ["crates/app"]\n\n'
            '[workspace.package]\nversion = "0.7.0"\nedition = "2021"\n'
            'authors = ["WS Team <ws@example.com>"]\nlicense = "MIT"\n'
            'description = "workspace description"\n',
            "crates/app/Cargo.toml": '[package]\nname = "ws-app"\nversion.workspace = true\n'
            "edition.workspace = true\nauthors.workspace = true\n"
            "license.workspace = true\ndescription.workspace = true\n",
            "crates/app/src/main.rs": MAIN_RS,
            "pyproject.toml": BUILD + '\n[project]\nname = "ws-app"\n'
            'dynamic = ["version", "description", "authors", "license"]\n'
            '\n[tool.maturin]\nbindings = "bin"\nmanifest-path = "crates/app/Cargo.toml"\n',
        },
    ),
    Case(
        "workspace-member-pyproject",
        {
            "Cargo.toml": '[workspace]\nmembers = ["py"]\nresolver = "2"\n\n'
            "[workspace.package]\n"
            'version = "1.4.0-beta.2"\nrepository = "https://git.example/ws"\n',
            "py/Cargo.toml": '[package]\nname = "ws-member"\nversion = { workspace = true }\n'
            'edition = "2021"\nrepository = { workspace = true }\n',
            "py/src/main.rs": MAIN_RS,
            "py/pyproject.toml": BUILD + '\n[project]\nname = "ws-member"\n'
            'dynamic = ["version", "urls"]\n' + BIN,
        },
        open_dir="py",
    ),
    Case(
        "workspace-inherited-readme-license",
        {
            "Cargo.toml": '[workspace]\nmembers = ["member"]\nresolver = "2"\n\n'
            '[workspace.package]\nversion = "0.2.0"\nreadme = "README.md"\n'
            'license-file = "LICENSE"\nkeywords = ["ws", "inherit"]\n',
            "README.md": "# Workspace readme\n",
            "LICENSE": "license text\n",
            "member/Cargo.toml": '[package]\nname = "ws-inherit"\nversion.workspace = true\n'
            'edition = "2021"\nreadme.workspace = true\nlicense-file.workspace = true\n'
            "keywords.workspace = true\n",
            "member/src/main.rs": MAIN_RS,
        },
        open_dir="member",
    ),
    Case(
        "workspace-cargo-only-dotted",
        {
            "Cargo.toml": '[workspace]\nmembers = ["a"]\nresolver = "2"\n'
            '[workspace.package]\nversion = "0.9.1"\ndescription = "ws"\n'
            'homepage = "https://ws.example"\n',
            "a/Cargo.toml": '[package]\nname = "ws-dotted"\nversion.workspace = true\n'
            'edition = "2021"\ndescription.workspace = true\nhomepage.workspace = true\n'
            "\n[dependencies]\n",
            "a/src/main.rs": MAIN_RS,
        },
        open_dir="a",
    ),
    Case(
        "workspace-root-package",
        {
            "Cargo.toml": '[package]\nname = "root-pkg"\nversion.workspace = true\n'
            'edition = "2021"\n\n[workspace]\nmembers = ["."]\n\n'
            '[workspace.package]\nversion = "5.0.0"\n',
            "src/main.rs": MAIN_RS,
            "pyproject.toml": BUILD
            + '\n[project]\nname = "root-pkg"\ndynamic = ["version"]\n'
            + BIN,
        },
    ),
    Case(
        "project-crlf",
        {
            **_crate(_pkg("crlf-proj").replace("\n", "\r\n")),
            "pyproject.toml": (
                BUILD + '\n[project]\nname = "crlf-proj"\ndynamic = ["version"]\n'
                'keywords = ["crlf"]\n' + BIN
            ).replace("\n", "\r\n"),
        },
    ),
    Case(
        "project-maintainers-only-email",
        {
            **_crate(_pkg("maint-email", 'authors = ["Ignored <i@example.com>"]\n')),
            "pyproject.toml": BUILD + '\n[project]\nname = "maint-email"\n'
            'dynamic = ["version"]\n'
            'maintainers = [\n  { email = "a@example.com" },\n  { email = "b@example.com" },\n]\n'
            + BIN,
        },
    ),
]


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode())


@pytest.fixture
def project(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    case: Case = request.param
    _write(tmp_path, case.files)
    return tmp_path / case.open_dir


def _ids(cases: list[Case]) -> list[str]:
    return [c.id for c in cases]


def test_corpus_is_large_and_varied() -> None:
    assert len(CASES) >= 30
    texts = "".join(t for c in CASES for t in c.files.values())
    for style in ("version.workspace = true", "{ workspace = true }", "# ", "= {", "\r\n"):
        assert style in texts


def _maturin_metadata(project_dir: Path, out: Path) -> str:
    env = {**os.environ, "CARGO_TARGET_DIR": str(ROOT / "target")}
    result = subprocess.run(
        [str(MATURIN), "pep517", "write-dist-info", "--metadata-directory", str(out)],
        cwd=project_dir, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    dist_info = out / result.stdout.strip().splitlines()[-1]
    return (dist_info / "METADATA").read_bytes().decode()


def _cargo_metadata_package(manifest: Path) -> dict[str, Any]:
    result = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps", "--offline",
         "--manifest-path", str(manifest)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    data = json.loads(result.stdout)
    return next(p for p in data["packages"] if p["manifest_path"] == str(manifest.resolve()))


@pytest.mark.parametrize("project", CASES, ids=_ids(CASES), indirect=True)
def test_view_matches_maturin_and_cargo(project: Path, tmp_path: Path) -> None:
    session = MetadataSession.open(project)
    view = session.view()
    assert view.core is not None, view.problems
    assert view.render() == _maturin_metadata(project, tmp_path / "maturin-out")
    assert preflight(view.render() or "") == []
    assert [p for p in view.problems if p.severity == "error"] == []
    ours = cargo_package(view.manifests)
    theirs = _cargo_metadata_package(session.cargo_path)
    assert {k: theirs[k] for k in ours if k != "manifest_path"} == {
        k: v for k, v in ours.items() if k != "manifest_path"
    }


# ---------------------------------------------------------------------------------------------
# Single-field edits


def _new_value(key: str, current: Any, target_key: tuple[str, ...], base_dirs: list[Path]) -> Any:
    """A valid value different from ``current`` for each field."""
    in_cargo = target_key[0] in ("package", "workspace")
    if key == "name":
        return "renamed-project"
    if key == "version":
        return "9.8.7-rc.1" if in_cargo else "9.8.7rc1"
    if key == "description":
        return "An edited summary"
    if key == "readme":
        for base in base_dirs:
            (base / "EDITED.md").write_text("# Edited readme\n")
        return "EDITED.md"
    if key == "license":
        return "MIT" if current == "Apache-2.0" else "Apache-2.0"
    if key == "license-files":
        return ["COPYING*"]
    if key in ("authors", "maintainers"):
        return [*current, {"name": "New Person", "email": "new@example.org"}]
    if key == "keywords":
        return [*current, "edited"]
    if key == "classifiers":
        return [*current, "Topic :: Software Development :: Build Tools"]
    if key == "urls":
        if target_key == ("package",):
            return {**current, "Documentation": "https://docs.edited.example"}
        return {**current, "Changelog": "https://edited.example/changes"}
    if key == "requires-python":
        return ">=3.12" if current == ">=3.10" else ">=3.10"
    if key == "dependencies":
        return [*current, "edited-dep>=1"]
    if key == "optional-dependencies":
        return {**current, "edited": ["pytest>=8"]}
    if key in ("scripts", "gui-scripts"):
        return {**current, "edited-cli": "edited.cli:main"}
    if key == "entry-points":
        return {**current, "edited.plugins": {"one": "edited.plugin:one"}}
    raise AssertionError(key)


def _key_span(lines: list[str], table: tuple[str, ...], key: str) -> set[int]:
    """Line numbers of ``key`` in ``table``: its ``key = value`` lines or its sub-table(s)."""
    span: set[int] = set()
    header = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
    full = (*table, key)
    current: tuple[str, ...] = ()
    depth = 0
    for index, line in enumerate(lines):
        code = line.split("#")[0]
        if depth > 0:
            span.add(index)
            depth += code.count("[") + code.count("{") - code.count("]") - code.count("}")
            continue
        match = header.match(line)
        if match:
            current = tuple(p.strip().strip("\"'") for p in match[1].split("."))
            if current[: len(full)] == full:
                span.add(index)
            continue
        if current[: len(full)] == full:
            span.add(index)
            continue
        if current != full[: len(current)] or len(current) == len(full):
            continue
        dotted = full[len(current) :]
        pattern = r"\.".join(rf"[\"']?{re.escape(part)}[\"']?\s*" for part in dotted)
        if re.match(rf"^\s*{pattern}(=|\.)", line):
            span.add(index)
            depth = code.count("[") + code.count("{") - code.count("]") - code.count("}")
            depth = max(depth, 0)
    return span


def _assert_only_key_lines_changed(old: str, new: str, table: tuple[str, ...], key: str) -> None:
    """``new`` is ``old`` with the lines of ``key`` replaced (or new lines inserted), nothing else.

    An existing key's lines form one block; the bytes before and after it must be identical.
    A blank line just above a removed sub-table is its separator and may go with it, and a
    last line without a newline may gain one.
    """
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    context = "\n" + "".join(difflib.unified_diff(old_lines, new_lines))
    span = _key_span(old_lines, table, key)
    if span:
        lo, hi = min(span), max(span)
        assert span == set(range(lo, hi + 1)), f"`{key}` is not one block{context}"
        separator = lo > 0 and not old_lines[lo - 1].strip()
        if (
            separator
            and old_lines[lo].lstrip().startswith("[")
            and new_lines[:lo] != old_lines[:lo]
        ):
            lo -= 1  # the separator of a removed sub-table
        tail = old_lines[hi + 1 :]
        assert new_lines[:lo] == old_lines[:lo], f"lines before `{key}` changed{context}"
        new_tail = new_lines[len(new_lines) - len(tail) :] if tail else []
        if tail and not tail[-1].endswith("\n") and new_tail and new_tail[-1] != tail[-1]:
            new_tail[-1] = new_tail[-1].rstrip("\r\n")
        assert new_tail == tail, f"lines after `{key}` changed{context}"
        return
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for op, i1, i2, _j1, _j2 in matcher.get_opcodes():
        if op in ("replace", "delete"):
            # only a last line without newline may change, by gaining one
            for i in range(i1, i2):
                assert i == len(old_lines) - 1 and not old_lines[i].endswith("\n"), (
                    f"existing lines changed while adding `{key}`{context}"
                )
                assert {old_lines[i] + "\n", old_lines[i] + "\r\n"} & set(new_lines), context


def _test_crate_case(crate: Path) -> Case:
    """A test crate's manifests, readmes and license files, to edit in a copy."""
    wanted = ("Cargo.toml", "pyproject.toml", "README*", "LICENSE*", "NOTICE*")
    files = {
        path.relative_to(crate).as_posix(): path.read_text()
        for pattern in wanted
        for path in crate.rglob(pattern)
        if "target" not in path.relative_to(crate).parts
    }
    return Case(f"test-crate-{crate.name}", files)


TEST_CRATE_CASES = [_test_crate_case(TEST_CRATES / name) for name in BUILDABLE_CRATES]


def _editable(case: Case) -> list[tuple[Case, str]]:
    return [(case, spec.key) for spec in FIELDS]


EDITS = [pair for case in [*CASES, *TEST_CRATE_CASES] for pair in _editable(case)]


@pytest.mark.parametrize(("case", "key"), EDITS, ids=[f"{c.id}-{k}" for c, k in EDITS])
def test_single_field_edit_changes_only_its_lines(case: Case, key: str, tmp_path: Path) -> None:
    _write(tmp_path, case.files)
    project = tmp_path / case.open_dir
    session = MetadataSession.open(project)
    view = session.view()
    field = view.fields[key]
    if field.locked:
        assert field.target is None
        return
    assert field.target is not None
    before = {p: p.read_bytes() for p in session.files}
    bases = [session.cargo_path.parent, project, view.manifests.workspace_root]
    for value in (_new_value(key, field.value, field.target.key, bases), None):
        if value is None and (key in ("name", "version") or not field.value):
            continue  # name and version cannot be removed; nothing to remove
        session = MetadataSession.open(project)
        target = session.target_for(key, value)
        changed = session.set_field(key, value)
        assert changed, key
        written = session.save()
        for path, data in before.items():
            if path not in written:
                assert path.read_bytes() == data, f"{path} changed"
        for path in written:
            old, new = before[path].decode(), path.read_bytes().decode()
            expected = _intended(old, target, key, value, path)
            assert tomllib.loads(new) == expected
            table, name = target.key[:-1], target.key[-1]
            if target.key == ("project", "readme", "file"):
                table, name = ("project",), "readme"  # a key inside an inline table
            if key == "urls" and target.key == ("package",):
                continue  # several Cargo keys; tomllib equality above covers it
            _assert_only_key_lines_changed(old, new, table, name)
            if "\r\n" in old:
                assert new.count("\n") == new.count("\r\n"), "line endings changed"
        after = MetadataSession.open(project).view()
        assert [p for p in after.problems_for(key) if p.severity == "error"] == []
        assert after.core is not None
        assert preflight(after.render() or "") == []
        if value is not None and key not in ("readme",):
            assert _same_shape(after.fields[key].value, value), (after.fields[key].value, value)
        for path, data in before.items():  # back to the original for the next edit
            path.write_bytes(data)


def _same_shape(shown: Any, wanted: Any) -> bool:
    if isinstance(wanted, list) and wanted and isinstance(wanted[0], dict):
        return [{k: v for k, v in c.items() if v} for c in shown] == wanted
    return bool(shown == wanted)


def _intended(old: str, target: Location, key: str, value: Any, path: Path) -> Any:
    """The data tomllib must read after the edit: the old data with only that key changed."""
    data = copy.deepcopy(tomllib.loads(old))
    if key == "urls" and target.key == ("package",):
        return tomllib.loads(path.read_text())  # several keys; set_field checks each one
    keys = target.key
    if key == "authors" and keys[0] in ("package", "workspace") and value is not None:
        value = [f"{c['name']} <{c['email']}>" if c.get("name") and c.get("email")
                 else c.get("name") or c.get("email") for c in value]  # fmt: skip
    node = data
    for part in keys[:-1]:
        node = node.setdefault(part, {})
    if value is None:
        node.pop(keys[-1], None)
    else:
        node[keys[-1]] = value
    return data


# ---------------------------------------------------------------------------------------------
# Malformed TOML


MALFORMED = [c for c in CASES if c.id in (
    "cargo-full", "project-full", "workspace-root-project", "workspace-member-pyproject",
    "project-crlf", "cargo-dotted-package",
)]  # fmt: skip


@pytest.mark.parametrize("case", MALFORMED, ids=_ids(MALFORMED))
@pytest.mark.parametrize("which", ["Cargo.toml", "pyproject.toml", "workspace"])
def test_malformed_toml_is_located(case: Case, which: str, tmp_path: Path) -> None:
    _write(tmp_path, case.files)
    project = tmp_path / case.open_dir
    session = MetadataSession.open(project)
    target = {
        "Cargo.toml": session.cargo_path,
        "pyproject.toml": session.pyproject_path,
        "workspace": session.workspace_path,
    }[which]
    if target is None:
        return
    lines = target.read_text().splitlines(keepends=True)
    bad_line = min(3, len(lines))
    lines.insert(bad_line - 1, "this is = = not toml\n")
    target.write_text("".join(lines))
    with pytest.raises(ProjectError) as info:
        MetadataSession.open(project).view()
    message = str(info.value)
    assert str(target) in message
    assert f"line {bad_line}" in message
