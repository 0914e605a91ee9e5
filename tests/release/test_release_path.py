"""`cratewright release` and `diff` end to end: real cargo, two pypiservers, the real keyring.

The module builds the test crate twice: 0.2.0 (the "last release", put on the main index by
hand) and then, through `cratewright release --bump minor`, 0.3.0 with a new Python module and
a new dependency. Each deliberate failure reuses those files or the indexes where it can.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from cratewright.core.build.plan import BuildOptions
from cratewright.core.publish import repository_from_url
from cratewright.core.release import ReleaseConfig, ReleaseRun, read_project, run_release
from cratewright.core.release.artifacts import read_manifest
from cratewright.core.release.files import sha256_of
from tests.publish.fixtures import keyring_in_process, make_wheel
from tests.release.helpers import Indexes, cli, copy_crate

pytestmark = pytest.mark.cargo


def _upload(indexes: Indexes, server_url: str, *files: Path) -> None:
    proc = cli("upload", "--repository-url", server_url, "-u", "uploader", "--non-interactive",
               *files, env=indexes.env)  # fmt: skip
    assert proc.returncode == 0, proc.stderr


@dataclass
class Released:
    """The state after the whole release path ran once."""

    crate: Path
    out: Path
    old_files: list[Path]
    proc_stdout: str
    proc_stderr: str
    returncode: int


@pytest.fixture(scope="module")
def released(indexes: Indexes, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Released]:
    root = tmp_path_factory.mktemp("release")
    crate = copy_crate(root)
    old_out = root / "dist-0.2.0"
    # the last release: 0.2.0 built by the build step alone and put on the main index
    built = cli("release", "-m", crate, "-i", sys.executable, "-o", old_out, "--step", "build",
                "--repository-url", indexes.main.url,
                "--rehearse-repository-url", indexes.rehearsal.url, env=indexes.env)  # fmt: skip
    assert built.returncode == 0, built.stdout + built.stderr
    old_files = sorted(old_out.glob("pyo3_mixed-0.2.0*"))
    assert len(old_files) == 2, old_files
    dependency = make_wheel(root / "dep", "cw-release-dep", "1.0.0")
    _upload(indexes, indexes.main.url, *old_files, dependency)
    # the changes of 0.3.0: a new module and a new dependency (found only on the main index)
    (crate / "python" / "pyo3_mixed" / "added.py").write_text("ANSWER = 42\n")
    pyproject = crate / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(
            "[project.scripts]", 'dependencies = ["cw-release-dep>=1"]\n\n[project.scripts]'
        )
    )
    out = root / "dist"
    proc = cli(
        "release", "-m", crate, "-i", sys.executable, "-o", out, "--bump", "minor",
        "--repository-url", indexes.main.url, "--rehearse-repository-url",
        indexes.rehearsal.url, "--smoke",
        'python -c "import pyo3_mixed.added as a; print(a.ANSWER)"', "--yes",
        env=indexes.env,
    )  # fmt: skip
    yield Released(crate, out, old_files, proc.stdout, proc.stderr, proc.returncode)


def test_the_whole_path_promotes_the_rehearsed_bytes(released: Released, indexes: Indexes) -> None:
    out = released.proc_stdout
    assert released.returncode == 0, out + released.proc_stderr
    steps = [line.split(":")[0] for line in out.splitlines() if line[:1] in "✅⚠⏭❌"]
    assert steps == [
        "✅ version",
        "✅ build",
        "✅ check",
        "✅ compare",
        "✅ rehearse",
        "✅ promote",
    ], out
    assert "bumped 0.2.0 -> 0.3.0" in out
    assert 'version = "0.3.0"' in (released.crate / "Cargo.toml").read_text()
    assert (
        "# the release tests check that this comment survives"
        in (released.crate / "pyproject.toml").read_text()
    )
    assert re.search(
        r'name = "pyo3-mixed"\nversion = "0.3.0"', (released.crate / "Cargo.lock").read_text()
    )
    # the smoke command ran in the rehearsal venv and printed what the new module holds
    assert "$ python -c" in out and "\n    42\n" in out
    built = sorted(released.out.glob("pyo3_mixed-0.3.0*"))
    assert len(built) == 2
    ours = {path.name: sha256_of(path) for path in built}
    for server in (indexes.rehearsal, indexes.main):
        listed = {
            f.filename: f.sha256
            for f in read_project(server.simple_url, "pyo3-mixed").files_of("0.3.0")
        }
        assert listed == ours, server.url
        stored = {name: sha256_of(server.packages / name) for name in ours}
        assert stored == ours
    # the confirmation named the project, the version and every file with its full hash
    assert "Upload pyo3-mixed 0.3.0 (2 file(s)) to " in out
    for name, digest in ours.items():
        assert f"{name}  " in out and f"sha256 {digest}" in out


def test_compare_step_lists_exactly_the_changes(released: Released) -> None:
    out = released.proc_stdout
    assert "compare: compared with 0.2.0" in out
    compare = out.split("compare:", 1)[1].split("rehearse:", 1)[0]
    assert "file: + pyo3_mixed/added.py" in compare
    assert "Requires-Dist: + cw-release-dep>=1" in compare
    assert "Version: 0.2.0 -> 0.3.0" in compare
    assert "file: - " not in compare


def test_diff_of_two_released_versions_from_the_index(released: Released, indexes: Indexes) -> None:
    assert released.returncode == 0
    proc = cli("diff", "pyo3-mixed==0.2.0", "pyo3-mixed==0.3.0", "--index-url",
               indexes.main.simple_url, "--json", env=indexes.env)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    diff = json.loads(proc.stdout)
    assert diff["files_added"] == ["pyo3_mixed/added.py"]
    assert diff["files_removed"] == []
    fields = {entry["field"]: entry for entry in diff["metadata"]}
    assert set(fields) == {"Version", "Requires-Dist"}
    assert fields["Requires-Dist"]["added"] == ["cw-release-dep>=1"]
    assert fields["Requires-Dist"]["removed"] == []
    assert (fields["Version"]["old"], fields["Version"]["new"]) == ("0.2.0", "0.3.0")
    assert diff["tags_added"] == diff["tags_removed"] == []
    # the sdists, one local and one from the index, as text
    (new_sdist,) = released.out.glob("pyo3_mixed-0.3.0.tar.gz")
    text = cli("diff", "pyo3-mixed==0.2.0", new_sdist, "--kind", "sdist", "--index-url",
               indexes.main.simple_url, env=indexes.env)  # fmt: skip
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert "file: + python/pyo3_mixed/added.py (12 bytes)" in lines
    assert not [line for line in lines if line.startswith("file: - ")]
    assert "Requires-Dist: + cw-release-dep>=1" in lines


def test_an_existing_version_stops_before_the_build(released: Released, indexes: Indexes) -> None:
    assert released.returncode == 0
    proc = cli("release", "-m", released.crate, "-o", released.out / "again",
               "--repository-url", indexes.main.url, "--rehearse-repository-url",
               indexes.rehearsal.url, "--yes", env=indexes.env)  # fmt: skip
    assert proc.returncode == 1
    lines = [line for line in proc.stdout.splitlines() if line[:1] in "✅⚠⏭❌"]
    assert lines == [
        "❌ version: pyo3-mixed 0.3.0 is already on 127.0.0.1; an index never takes a version twice"
    ], proc.stdout
    assert "fix: bump the version (`cratewright release --bump patch`" in proc.stdout
    assert not (released.out / "again").exists(), "nothing was built"


def test_an_import_error_after_install_stops_at_the_rehearsal(
    released: Released, indexes: Indexes, tmp_path: Path
) -> None:
    """0.2.0's files, rehearsed on a fresh rehearsal index, with a module the wheel lacks."""
    from tests.publish.fixtures import start_pypi_server

    old = sorted(released.old_files)
    fresh_main = start_pypi_server(tmp_path / "main")
    fresh_rehearsal = start_pypi_server(tmp_path / "rehearsal")
    try:
        for server in (fresh_main, fresh_rehearsal):
            stored = cli(
                "credentials", "set", "--repository-url", server.url, "-u", server.username,
                env=indexes.env, input=server.password + "\n",
            )  # fmt: skip
            assert stored.returncode == 0
        proc = cli(
            "release", "-m", released.crate, "-o", old[0].parent, "--step", "rehearse",
            "--repository-url", fresh_main.url, "--rehearse-repository-url", fresh_rehearsal.url,
            "--smoke", 'python -c "import pyo3_mixed.not_shipped"', env=indexes.env,
        )  # fmt: skip
        # --step rehearse finds 0.3.0's record only in released.out: here it is not built
        assert proc.returncode == 1
        assert "❌ rehearse: pyo3-mixed 0.3.0 has not been built yet" in proc.stdout
        assert "fix: run the build step first" in proc.stdout
        files = read_manifest(old[0].parent, "pyo3-mixed", "0.2.0")
        assert files is not None
        config = ReleaseConfig(
            BuildOptions(manifest_path=released.crate, out=old[0].parent),
            main=repository_from_url(fresh_main.url),
            rehearsal=repository_from_url(fresh_rehearsal.url),
            smoke_command='python -c "import pyo3_mixed.not_shipped"',
        )
        with keyring_in_process(indexes.env["DBUS_SESSION_BUS_ADDRESS"]):
            results = run_release(
                ReleaseRun(config, files=files), ["rehearse", "promote"], confirm=lambda _: True
            )
        assert [r.step for r in results] == ["rehearse"]
        (result,) = results
        assert result.state == "failed"
        assert "installs from the rehearsal index but the smoke command fails" in result.message
        assert "ModuleNotFoundError: No module named 'pyo3_mixed.not_shipped'" in result.message
        assert result.fix and "bump the version" in result.fix
        assert sorted(p.name for p in fresh_rehearsal.packages.iterdir()) == [p.name for p in old]
        assert list(fresh_main.packages.iterdir()) == [], "nothing was promoted"
    finally:
        fresh_main.stop()
        fresh_rehearsal.stop()


def _release_failing_at_check(
    indexes: Indexes, tmp_path: Path, *extra: str, readme: str | None = None
) -> str:
    """Release a fresh copy (bumped to 0.2.1) and return the check step's output."""
    crate = copy_crate(tmp_path)
    if readme is not None:
        pyproject = crate / "pyproject.toml"
        pyproject.write_text(
            pyproject.read_text().replace('readme = "README.md"', 'readme = "README.rst"')
        )
        (crate / "README.rst").write_text(readme)
    rehearsal_before = sorted(p.name for p in indexes.rehearsal.packages.iterdir())
    proc = cli(
        "release", "-m", crate, "-i", sys.executable, "-o", tmp_path / "dist", "--bump", "patch",
        *extra, "--repository-url", indexes.main.url,
        "--rehearse-repository-url", indexes.rehearsal.url, "--yes", env=indexes.env,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr
    steps = [line.split(":")[0] for line in proc.stdout.splitlines() if line[:1] in "✅⚠⏭❌"]
    assert steps == ["✅ version", "✅ build", "❌ check"], proc.stdout
    assert sorted(p.name for p in indexes.rehearsal.packages.iterdir()) == rehearsal_before
    return proc.stdout.split("❌ check:", 1)[1]


def test_a_linux_tag_stops_at_the_check(indexes: Indexes, tmp_path: Path) -> None:
    check = _release_failing_at_check(indexes, tmp_path, "--compatibility", "linux")
    headline = check.splitlines()[0]
    assert re.match(
        r" platform tag: pyo3_mixed-0\.2\.1-cp3\d+-cp3\d+-linux_x86_64\.whl: .*linux_x86_64",
        headline,
    ), headline
    assert "fix: build a manylinux or musllinux wheel" in check
    assert "❌ readme" not in check
    # the audit itself has nothing against a wheel that claims less than it meets
    assert re.search(r"✅ audit: pyo3_mixed-0\.2\.1-.*linux_x86_64\.whl: meets manylinux_2_", check)


def test_a_broken_readme_stops_at_the_check(indexes: Indexes, tmp_path: Path) -> None:
    broken = "Broken\n=====\n\n.. unknown-directive:: oops\n\n`unclosed\n"
    check = _release_failing_at_check(indexes, tmp_path, readme=broken)
    headline = check.splitlines()[0]
    assert headline.startswith(" readme: pyo3_mixed-0.2.1-"), headline
    assert "has markup errors and PyPI would refuse it" in headline
    assert "fix: fix the markup the message names" in check
    assert "❌ platform tag" not in check


def test_a_wheel_claiming_more_than_its_audit_fails_the_check(
    released: Released, tmp_path: Path
) -> None:
    """0.2.0's real wheel (manylinux_2_34) renamed to claim manylinux_2_17."""
    from cratewright.core.release import check_release
    from cratewright.core.release.artifacts import record

    (wheel,) = [p for p in released.old_files if p.name.endswith(".whl")]
    claimed = tmp_path / re.sub(r"manylinux_2_\d+_x86_64", "manylinux_2_17_x86_64", wheel.name)
    claimed.write_bytes(wheel.read_bytes())
    result, verdicts = check_release(record("pyo3-mixed", "0.2.0", [claimed]))
    assert result.state == "failed"
    (audit,) = [v for v in verdicts if v.check == "audit"]
    assert not audit.ok
    assert audit.message.startswith("the file name claims manylinux_2_17_x86_64 but the native")
    assert [v.check for v in verdicts if not v.ok] == ["audit"]


def test_promote_alone_needs_the_rehearsed_bytes_and_a_yes(
    released: Released, indexes: Indexes, tmp_path: Path
) -> None:
    """`--step promote` on other indexes: refused before rehearsal, not sent without --yes."""
    from tests.publish.fixtures import start_pypi_server

    assert released.returncode == 0
    fresh_main = start_pypi_server(tmp_path / "main")
    fresh_rehearsal = start_pypi_server(tmp_path / "rehearsal")
    try:
        for server in (fresh_main, fresh_rehearsal):
            stored = cli(
                "credentials", "set", "--repository-url", server.url, "-u", server.username,
                env=indexes.env, input=server.password + "\n",
            )  # fmt: skip
            assert stored.returncode == 0
        promote = (
            "release", "-m", released.crate, "-o", released.out, "--step", "promote",
            "--repository-url", fresh_main.url, "--rehearse-repository-url", fresh_rehearsal.url,
        )  # fmt: skip
        refused = cli(*promote, "--yes", env=indexes.env)
        assert refused.returncode == 1
        assert "❌ promote: pyo3_mixed-0.3.0-" in refused.stdout
        assert "has not been rehearsed on 127.0.0.1 with these bytes" in refused.stdout
        assert "fix: run the rehearse step first" in refused.stdout
        _upload(indexes, fresh_rehearsal.url, *sorted(released.out.glob("pyo3_mixed-0.3.0*")))
        unasked = cli(*promote, env=indexes.env)
        assert unasked.returncode == 1
        assert "not a terminal and no --yes: not promoting" in unasked.stdout
        assert "⏭️  promote: Promotion was not confirmed; nothing was uploaded" in unasked.stdout
        assert list(fresh_main.packages.iterdir()) == []
    finally:
        fresh_main.stop()
        fresh_rehearsal.stop()
