"""`cratewright generate-ci github|gitlab` as a user runs it."""

from __future__ import annotations

import subprocess
from pathlib import Path

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
