"""Repository resolution: built-ins, .pypirc sections, URLs and twine's environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from cratewright.core.publish import (
    PYPI,
    TESTPYPI,
    list_repositories,
    read_pypirc,
    repository_from_url,
    resolve_repository,
)
from cratewright.errors import PublishError


def test_builtins_without_any_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert set(read_pypirc(None)) == {"pypi", "testpypi"}
    repos = list_repositories(None)
    assert repos[0].is_testpypi and repos[1].is_pypi
    assert PYPI.simple_url == "https://pypi.org/simple/"
    assert TESTPYPI.project_url("PyO3_Mixed", "0.2.0") == (
        "https://test.pypi.org/project/pyo3-mixed/0.2.0/"
    )


def test_pypirc_sections(tmp_path: Path) -> None:
    pypirc = tmp_path / ".pypirc"
    pypirc.write_text(
        "[distutils]\nindex-servers =\n  pypi\n  private\n\n"
        "[private]\nrepository = https://packages.example.com/legacy/\nusername = alice\n"
    )
    repos = read_pypirc(pypirc)
    assert set(repos) == {"pypi", "private"}, "testpypi is only there when listed"
    private = resolve_repository("private", config_file=pypirc, environ={})
    assert (private.upload_url, private.username, private.source) == (
        "https://packages.example.com/legacy/", "alice", "pypirc",
    )  # fmt: skip
    assert private.simple_url == "https://packages.example.com/simple/"
    with pytest.raises(PublishError, match="Unknown repository 'nope'"):
        resolve_repository("nope", config_file=pypirc, environ={})
    pypirc.write_text("[private\nrepository = x\npassword = s3cret\n")
    with pytest.raises(PublishError) as caught:
        read_pypirc(pypirc)
    assert "s3cret" not in str(caught.value)
    with pytest.raises(PublishError, match="does not exist"):
        read_pypirc(tmp_path / "absent")


def test_urls_are_spelled_as_twine_spells_them() -> None:
    assert repository_from_url("http://upload.pypi.org/legacy/") is PYPI
    repo = repository_from_url("http://alice:pw@127.0.0.1:8080/")
    assert (repo.upload_url, repo.username, repo.password) == (
        "http://127.0.0.1:8080/",
        "alice",
        "pw",
    )
    assert "pw" not in repr(repo)
    assert repo.simple_url == "http://127.0.0.1:8080/simple/"
    for bad in ("ftp://x/", "not a url", "https://pypi.python.org/legacy/"):
        with pytest.raises(PublishError):
            repository_from_url(bad)


def test_environment_as_twine_reads_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    env = {"TWINE_REPOSITORY_URL": "http://127.0.0.1:1234/"}
    assert resolve_repository(environ=env).upload_url == "http://127.0.0.1:1234/"
    assert resolve_repository("testpypi", environ=env) == TESTPYPI, "an explicit -r wins"
    assert resolve_repository(environ={"TWINE_REPOSITORY": "testpypi"}) == TESTPYPI
    assert resolve_repository(environ={}) == PYPI
