"""The release's pieces that need no cargo: version arithmetic, bump, index pages, diff, checks."""

from __future__ import annotations

import hashlib
import http.server
import json
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from cratewright.core.release import (
    bump_version,
    check_release,
    diff_files,
    next_version,
    project_version,
    read_project,
)
from cratewright.core.release.artifacts import read_manifest, record, write_manifest
from cratewright.core.release.smoke import load_smoke_command, save_smoke_command, top_module
from cratewright.errors import PublishError
from tests.conftest import TEST_CRATES, run_cratewright
from tests.publish.fixtures import PypiServer, make_sdist, make_wheel
from tests.release.helpers import copy_crate


@pytest.mark.parametrize(
    ("current", "part", "cargo", "expected"),
    [
        ("1.2.3", "patch", True, "1.2.4"),
        ("1.2.3", "minor", True, "1.3.0"),
        ("1.2.3", "major", True, "2.0.0"),
        ("1.2.3", "pre", True, "1.2.4-alpha.1"),
        ("1.2.4-alpha.1", "pre", True, "1.2.4-alpha.2"),
        ("1.2.4-beta.3", "patch", True, "1.2.4"),
        ("1.2.3", "pre", False, "1.2.4a1"),
        ("1.2.4rc1", "pre", False, "1.2.4rc2"),
        ("1.2.4rc1", "patch", False, "1.2.4"),
        ("0.9", "minor", False, "0.10.0"),
    ],
)
def test_next_version(current: str, part: str, cargo: bool, expected: str) -> None:
    assert next_version(current, part, cargo=cargo) == expected  # type: ignore[arg-type]


def test_bump_writes_the_owning_file_keeps_comments_and_follows_cargo_lock(tmp_path: Path) -> None:
    crate = copy_crate(tmp_path)
    cargo_toml = crate / "Cargo.toml"
    cargo_toml.write_text(
        cargo_toml.read_text().replace('version = "0.2.0"', 'version = "0.2.0" # bumped by release')
    )
    lock_before = (crate / "Cargo.lock").read_text()
    before, after, written = bump_version(crate, "pre")
    assert (before.written, after.written, after.python) == ("0.2.0", "0.2.1-alpha.1", "0.2.1a1")
    assert written == [cargo_toml, crate / "Cargo.lock"]
    assert 'version = "0.2.1-alpha.1" # bumped by release' in cargo_toml.read_text()
    lock_after = (crate / "Cargo.lock").read_text()
    # exactly one line of Cargo.lock changed: our package's version, nothing else
    changed = [
        (a, b)
        for a, b in zip(lock_before.splitlines(), lock_after.splitlines(), strict=True)
        if a != b
    ]
    assert changed == [('version = "0.2.0"', 'version = "0.2.1-alpha.1"')]
    assert project_version(crate).python == "0.2.1a1"


class _Pep691Handler(http.server.BaseHTTPRequestHandler):
    """A PEP 691 JSON index that knows one project (pypiserver serves HTML only)."""

    page: bytes = b""

    def do_GET(self) -> None:
        if self.path.rstrip("/") != "/simple/cw-rel" or "json" not in self.headers["Accept"]:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/vnd.pypi.simple.v1+json")
        self.end_headers()
        self.wfile.write(self.page)

    def log_message(self, *args: object) -> None:
        del args


def test_bump_in_a_workspace_moves_every_inheriting_member_and_cargo_accepts_the_lock(
    tmp_path: Path,
) -> None:
    root = tmp_path / "workspace"
    shutil.copytree(TEST_CRATES / "workspace", root, ignore=shutil.ignore_patterns("target"))
    before, after, written = bump_version(root / "crates" / "py", "minor")
    assert (before.key, before.written, after.written) == (
        "workspace.package.version",
        "0.3.0",
        "0.4.0",
    )
    assert set(after.crates) == {"workspace-py", "core-lib"}
    assert written == [root / "Cargo.toml", root / "Cargo.lock"]
    lock = (root / "Cargo.lock").read_text()
    assert 'name = "core-lib"\nversion = "0.4.0"' in lock
    assert 'name = "workspace-py"\nversion = "0.4.0"' in lock
    # cargo itself finds nothing to change in the lock file
    proc = subprocess.run(
        ["cargo", "metadata", "--locked", "--offline", "--format-version", "1", "--no-deps"],
        cwd=root, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr


def test_bump_of_a_pyproject_version_is_pep440_and_leaves_cargo_alone(tmp_path: Path) -> None:
    crate = copy_crate(tmp_path)
    pyproject = crate / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace('dynamic = ["version"]', 'version = "1.4.0rc1"  # ours')
    )
    cargo_before = (crate / "Cargo.toml").read_text()
    before, after, written = bump_version(crate, "pre")
    assert (before.key, before.cargo, after.written) == ("project.version", False, "1.4.0rc2")
    assert written == [pyproject]
    assert 'version = "1.4.0rc2"  # ours' in pyproject.read_text()
    assert (crate / "Cargo.toml").read_text() == cargo_before


def test_index_pages_html_from_pypiserver_and_pep691_json(
    pypi_server: PypiServer, tmp_path: Path
) -> None:
    wheel = make_wheel(tmp_path / "w", "cw-rel", "1.0.0")
    sdist = make_sdist(tmp_path / "s", "cw-rel", "1.1.0")
    for path in (wheel, sdist):
        (pypi_server.packages / path.name).write_bytes(path.read_bytes())
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    # pypiserver answers the JSON request with its HTML page: the HTML reading is used
    as_html = read_project(pypi_server.simple_url, "CW_Rel")
    _Pep691Handler.page = json.dumps({
        "meta": {"api-version": "1.0"}, "name": "cw-rel",
        "files": [
            {"filename": wheel.name, "url": f"../../files/{wheel.name}",
             "hashes": {"sha256": digest}},
            {"filename": sdist.name, "url": f"/files/{sdist.name}", "hashes": {}, "yanked": "bad"},
        ],
    }).encode()  # fmt: skip
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pep691Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        as_json = read_project(f"http://127.0.0.1:{server.server_port}/simple", "cw_rel")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
    assert as_json.json_api and not as_html.json_api
    for project in (as_json, as_html):
        assert project.versions() == ["1.0.0", "1.1.0"]
        assert project.has_version("1.0") and not project.has_version("1.2.0")
        (listed,) = project.files_of("1.0.0")
        assert listed.filename == wheel.name
        assert listed.sha256 == digest
    assert as_json.files[0].url == f"http://127.0.0.1:{server.server_port}/files/{wheel.name}"
    assert as_json.files[1].yanked
    assert read_project(pypi_server.simple_url, "not-there").files == ()
    with pytest.raises(PublishError, match="cannot be reached"):
        read_project("http://127.0.0.1:9/simple/", "cw-rel", timeout=2)


def test_diff_lists_files_fields_and_tags(tmp_path: Path) -> None:
    old = make_wheel(tmp_path / "a", "cw-diff", "1.0.0", extra_metadata="Requires-Dist: idna\n")
    new = make_wheel(
        tmp_path / "b", "cw-diff", "1.1.0", tag="py3-none-manylinux_2_17_x86_64",
        extra_metadata="Requires-Dist: packaging>=23\nRequires-Python: >=3.9\n",
    )  # fmt: skip
    diff = diff_files(old, new)
    assert diff.added == () and diff.removed == ()
    fields = {c.field: c for c in diff.fields}
    assert set(fields) == {"Version", "Requires-Dist", "Requires-Python"}
    assert fields["Requires-Dist"].added == ("packaging>=23",)
    assert fields["Requires-Dist"].removed == ("idna",)
    assert (fields["Requires-Python"].old, fields["Requires-Python"].new) == (None, ">=3.9")
    assert diff.tags_added == ("py3-none-manylinux_2_17_x86_64",)
    assert diff.tags_removed == ("py3-none-any",)
    text = "\n".join(diff.lines())
    assert "Requires-Dist: - idna" in text and "Version: 1.0.0 -> 1.1.0" in text
    with pytest.raises(PublishError, match="compare two wheels or two sdists"):
        diff_files(old, make_sdist(tmp_path / "s", "cw-diff", "1.0.0"))


def test_checks_fail_on_license_requires_python_and_size(tmp_path: Path) -> None:
    wheel = make_wheel(
        tmp_path, "cw-chk", "1.0.0", tag="cp311-cp311-manylinux_2_17_x86_64",
        extra_metadata="Requires-Python: >=3.12\n",
    )  # fmt: skip
    result, verdicts = check_release(record("cw-chk", "1.0.0", [wheel]), size_limit=10)
    failed = {v.check: v for v in verdicts if not v.ok}
    assert result.state == "failed"
    assert set(failed) == {"license", "requires-python", "size"}, [v.line() for v in verdicts]
    assert (
        "the wheel is for Python 3.11 but requires-python is >=3.12"
        in failed["requires-python"].message
    )
    assert failed["license"].fix and "license" in failed["license"].fix
    good = make_wheel(tmp_path / "ok", "cw-ok", "1.0.0", extra_metadata="License-Expression: MIT\n")
    result, _ = check_release(record("cw-ok", "1.0.0", [good]))
    assert result.state == "passed", result.details


def test_manifest_refuses_changed_files_and_smoke_is_remembered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wheel = make_wheel(tmp_path, "cw-man", "1.0.0")
    files = record("cw-man", "1.0.0", [wheel])
    write_manifest(tmp_path, files)
    assert read_manifest(tmp_path, "cw-man", "1.0.0") == files
    assert read_manifest(tmp_path, "cw-man", "2.0.0") is None
    files.verify_unchanged()
    wheel.write_bytes(wheel.read_bytes() + b"\0")
    with pytest.raises(PublishError, match="changed since it was built"):
        files.verify_unchanged()
    assert top_module(make_wheel(tmp_path / "m", "cw-mod", "1.0.0")) == "cw_mod"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert load_smoke_command(tmp_path) is None
    save_smoke_command(tmp_path, "python -m cw_mod --version")
    assert load_smoke_command(tmp_path) == "python -m cw_mod --version"
    save_smoke_command(tmp_path, None)
    assert load_smoke_command(tmp_path) is None


def test_diff_cli_text_json_and_one_line_errors(tmp_path: Path) -> None:
    old = make_wheel(tmp_path / "a", "cw-cli", "1.0.0")
    new = make_wheel(tmp_path / "b", "cw-cli", "1.0.1", extra_metadata="Requires-Dist: idna\n")
    text = run_cratewright("diff", old, new)
    assert text.returncode == 0, text.stderr
    assert text.stdout.splitlines()[:2] == [f"--- {old.name}", f"+++ {new.name}"]
    assert "Requires-Dist: + idna" in text.stdout.splitlines()
    as_json = json.loads(run_cratewright("diff", old, new, "--json").stdout)
    assert [m["field"] for m in as_json["metadata"]] == ["Version", "Requires-Dist"]
    for args, expected in [
        ((tmp_path / "missing.whl", new), "is not a file"),
        ((old, make_sdist(tmp_path / "s", "cw-cli", "1.0.0")), "compare two wheels or two sdists"),
        (("cw-cli==1.0.0", new, "--index-url", "http://127.0.0.1:9/simple/"), "cannot be reached"),
    ]:
        proc = run_cratewright("diff", *args)
        assert proc.returncode == 1
        (line,) = [line for line in proc.stderr.splitlines() if line.strip()][:1]
        assert line.startswith("💥 error: ") and expected in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr


def test_release_cli_refuses_a_project_that_does_not_open(tmp_path: Path) -> None:
    proc = run_cratewright(
        "release", "-m", tmp_path / "nowhere", "--repository-url", "http://127.0.0.1:9/",
        "--rehearse-repository-url", "http://127.0.0.1:9/", "--step", "version",
    )  # fmt: skip
    assert proc.returncode == 1
    assert proc.stdout.startswith("❌ version: "), proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    insecure = run_cratewright("release", "--repository-url", "http://example.org/legacy/")
    assert insecure.returncode == 1
    assert insecure.stderr.startswith("💥 error: Refusing to upload: http://example.org/legacy/")
