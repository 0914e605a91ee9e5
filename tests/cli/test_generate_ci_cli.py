"""`cratewright generate-ci github|gitlab` as a user runs it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from cratewright.core.ci.emit import load_yaml
from tests.ci_projects import make_project
from tests.conftest import run_cratewright


def test_github_to_stdout_and_header_names_the_command(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    proc = run_cratewright("generate-ci", "github", "--platform", "macos", "--pytest", cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert "#    cratewright generate-ci github --platform macos --pytest" in proc.stdout
    document = load_yaml(proc.stdout)
    assert list(document["jobs"]) == ["macos", "sdist", "release"]


def test_output_file_is_written_whole_and_nothing_else(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    target = project / ".github" / "workflows" / "CI.yml"
    proc = run_cratewright("generate-ci", "github", "-o", target, cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert load_yaml(target.read_text())["name"] == "CI"
    assert [p.name for p in target.parent.iterdir()] == ["CI.yml"]


def test_gitlab_says_what_it_cannot_build(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    proc = run_cratewright("generate-ci", "gitlab", "-o", project / ".gitlab-ci.yml", cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert "GitLab: windows: not generated" in proc.stderr
    assert "GitLab: linux armv7, s390x, ppc64le: not generated" in proc.stderr
    assert "linux" in load_yaml((project / ".gitlab-ci.yml").read_text())


def test_a_bad_table_is_one_clear_error(tmp_path: Path) -> None:
    project = make_project(
        tmp_path, tool='[tool.maturin.generate-ci.github.linux]\ntargets = ["sparc"]\n'
    )
    target = project / "CI.yml"
    proc = run_cratewright("generate-ci", "github", "-o", target, cwd=project)
    assert proc.returncode == 1
    assert proc.stderr.startswith("💥 error: [tool.maturin.generate-ci.github.linux] targets: ")
    assert "unknown arch 'sparc'" in proc.stderr and "Traceback" not in proc.stderr
    assert not target.exists()


def test_unknown_platform_value_is_refused_by_the_parser(tmp_path: Path) -> None:
    proc = run_cratewright("generate-ci", "github", "--platform", "freebsd", cwd=tmp_path)
    assert proc.returncode == 2
    assert "invalid choice: 'freebsd'" in proc.stderr


def test_a_full_disk_leaves_no_half_workflow(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)],
                             capture_output=True, text=True, check=False)  # fmt: skip
    assert mounted.returncode == 0, f"the test needs root to mount a tmpfs: {mounted.stderr}"
    try:
        (disk / "filler").write_bytes(b"x" * (60 * 1024))
        old = disk / "CI.yml"
        old.write_text("old: workflow\n")
        proc = run_cratewright("generate-ci", "github", "-o", old, cwd=project)
        assert proc.returncode == 1
        assert proc.stderr.startswith(f"💥 error: Cannot write {old}:"), proc.stderr
        assert old.read_text() == "old: workflow\n"  # the old file is untouched
        assert sorted(p.name for p in disk.iterdir()) == ["CI.yml", "filler"]
    finally:
        subprocess.run(["umount", str(disk)], check=False)


@pytest.mark.parametrize(
    "content",
    ["root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n",
     '[project]\nname = "x"\n', "- a\n- b\n", "\x00\x01binary"],
    ids=["passwd-like", "toml", "yaml-list", "binary"],
)  # fmt: skip
def test_output_that_is_not_a_ci_file_is_never_replaced(tmp_path: Path, content: str) -> None:
    project = make_project(tmp_path)
    victim = tmp_path / "victim"
    victim.write_bytes(content.encode("utf-8", "surrogateescape"))
    proc = run_cratewright("generate-ci", "github", "-m", project, "-o", victim)
    assert proc.returncode == 1, proc.stderr
    assert "is not a CI file" in proc.stderr and "Traceback" not in proc.stderr
    assert victim.read_bytes() == content.encode("utf-8", "surrogateescape")


def test_an_existing_workflow_or_empty_file_is_replaced(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    for name, content in (("CI.yml", "on: push\njobs: {}\n"), ("empty.yml", "")):
        target = tmp_path / name
        target.write_text(content)
        proc = run_cratewright("generate-ci", "github", "-m", project, "-o", target)
        assert proc.returncode == 0, proc.stderr
        assert "jobs:" in target.read_text() and "maturin-action" in target.read_text()
