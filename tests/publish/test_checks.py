"""The pre-flight check on real files: what twine and PyPI would refuse is refused here."""

from __future__ import annotations

import tarfile
import zipfile
from pathlib import Path

from cratewright.core.publish import (
    PYPI,
    check_distribution,
    check_distributions,
    repository_from_url,
)
from cratewright.events import Event, Message
from tests.publish.fixtures import make_sdist, make_wheel

LOCAL_INDEX = repository_from_url("http://127.0.0.1:9/")


def test_valid_wheel_and_sdist_pass(tmp_path: Path) -> None:
    events: list[Event] = []
    wheel, sdist = make_wheel(tmp_path), make_sdist(tmp_path)
    results = check_distributions([sdist, wheel], repository=PYPI, sink=events.append)
    assert [r.path for r in results] == [wheel, sdist]
    assert results[0].ok and results[0].summary == "passed"
    assert (results[0].name, results[0].version) == ("cw-demo", "1.0.0")
    assert results[1].ok
    assert any("no long description" in w for w in results[1].warnings)
    assert any(isinstance(e, Message) and "Checked" in e.text for e in events)


def test_truncated_and_corrupt_wheels_are_refused(tmp_path: Path) -> None:
    truncated = make_wheel(tmp_path / "a")
    truncated.write_bytes(truncated.read_bytes()[:-100])
    assert "not a valid zip archive" in check_distribution(truncated).errors[0]

    corrupt = make_wheel(tmp_path / "b")
    data = bytearray(corrupt.read_bytes())
    data[40:60] = b"\xff" * 20
    corrupt.write_bytes(bytes(data))
    result = check_distribution(corrupt)
    assert not result.ok
    assert "corrupt" in result.errors[0] or "not a valid zip" in result.errors[0]


def test_missing_metadata_and_bad_file_names(tmp_path: Path) -> None:
    bad = tmp_path / "cw_demo-1.0.0-py3-none-any.whl"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("cw_demo/__init__.py", "")
        archive.writestr("cw_demo-1.0.0.dist-info/WHEEL", "Wheel-Version: 1.0\n")
    assert check_distribution(bad).errors == ("cw_demo-1.0.0.dist-info/METADATA is missing",)

    odd = tmp_path / "not-a-wheel.whl"
    odd.write_bytes(b"x")
    assert check_distribution(odd).errors[0].startswith("invalid file name")
    assert check_distribution(tmp_path / "missing.whl").errors == ("the file does not exist",)
    text = tmp_path / "notes.txt"
    text.write_text("x")
    assert "not a distribution" in check_distribution(text).errors[0]


def test_invalid_metadata_as_twine_reports_it(tmp_path: Path) -> None:
    wheel = make_wheel(
        tmp_path,
        extra_metadata="Requires-Dist: not a valid requirement !!\nX-Unknown-Field: 1\n",
    )
    errors = check_distribution(wheel).errors
    assert "unrecognized or malformed metadata field 'x-unknown-field'" in errors
    assert any("requires-dist" in e for e in errors)


def test_broken_rst_readme_is_refused_as_pypi_would(tmp_path: Path) -> None:
    wheel = make_wheel(
        tmp_path, readme="Title\n=====\n\n`broken link <http://x\n\n.. unknown-directive::\n",
        content_type="text/x-rst",
    )  # fmt: skip
    result = check_distribution(wheel)
    assert not result.ok
    assert "reStructuredText" in result.errors[0] and "PyPI would refuse it" in result.errors[0]
    fine = make_wheel(tmp_path / "ok", readme="Title\n=====\n\nFine *text*.\n",
                      content_type="text/x-rst")  # fmt: skip
    assert check_distribution(fine).ok


def test_pypi_rules_are_errors_for_pypi_and_warnings_elsewhere(tmp_path: Path) -> None:
    wheel = make_wheel(
        tmp_path,
        version="1.0.0+local",
        extra_metadata="Classifier: Private :: Do Not Upload\nClassifier: Not :: A Classifier\n",
        tag="cp311-cp311-linux_x86_64",
    )
    for_pypi = check_distribution(wheel, repository=PYPI)
    assert any("local versions" in e for e in for_pypi.errors)
    assert any("private classifiers" in e for e in for_pypi.errors)
    assert any("unknown classifier: Not :: A Classifier" in e for e in for_pypi.errors)
    assert any(
        e.startswith("Platform tag 'linux_x86_64' in wheel") and "manylinux or musllinux" in e
        for e in for_pypi.errors
    )
    elsewhere = check_distribution(wheel, repository=LOCAL_INDEX)
    assert elsewhere.ok
    assert len(elsewhere.warnings) >= 4


def test_name_mismatch_and_sdist_layout(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path, "cw-demo")
    renamed = wheel.with_name("other-1.0.0-py3-none-any.whl")
    wheel.rename(renamed)
    assert any("file name says other" in e for e in check_distribution(renamed).errors)

    flat = tmp_path / "cw_demo-2.0.0.tar.gz"
    (tmp_path / "PKG-INFO").write_text("Metadata-Version: 2.4\nName: cw-demo\nVersion: 2.0.0\n")
    (tmp_path / "extra").write_text("x")
    with tarfile.open(flat, "w:gz") as archive:
        archive.add(tmp_path / "PKG-INFO", arcname="PKG-INFO")
        archive.add(tmp_path / "extra", arcname="extra")
    assert "exactly one top-level directory" in check_distribution(flat).errors[0]


def test_same_file_name_twice_is_refused(tmp_path: Path) -> None:
    first, second = make_wheel(tmp_path / "a"), make_wheel(tmp_path / "b")
    results = check_distributions([first, second])
    assert results[0].ok
    assert "another file named" in results[1].errors[-1]
