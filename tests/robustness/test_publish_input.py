"""Upload input that must fail cleanly: bad URLs, plain http off this machine, and a token
typed as an argument to `credentials` (never echoed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cratewright.core.publish import (
    Repository,
    insecure_transport_problem,
    repository_from_url,
    require_secure_transport,
    resolve_repository,
)
from cratewright.errors import PublishError
from tests.conftest import run_cratewright

BAD_URLS = [
    "http://[::1",
    "https://[not-an-ip]/legacy/",
    "http://example.com:99999/",
    "http://example.com:port/",
    "ftp://example.com/",
    "http:///legacy/",
    "",
    "   ",
    "http://user:pw@[::1/legacy/",
]


@pytest.mark.parametrize("url", BAD_URLS)
def test_bad_repository_url_is_a_publish_error(url: str) -> None:
    with pytest.raises(PublishError) as caught:
        repository_from_url(url)
    assert "Invalid repository URL" in str(caught.value)
    assert "pw" not in str(caught.value)


def test_bad_ipv6_url_on_the_command_line(tmp_path: Path) -> None:
    wheel = tmp_path / "x-1.0-py3-none-any.whl"
    wheel.write_bytes(b"")
    proc = run_cratewright("upload", wheel, "--repository-url", "http://[::1")
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.strip().splitlines() == [
        "💥 error: Invalid repository URL 'http://[::1': Invalid IPv6 URL"
    ]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/",
        "http://127.5.6.7/legacy/",
        "http://[::1]:8080/",
        "http://localhost/",
        "http://pkgs.localhost/",
        "https://packages.example.com/legacy/",
    ],
)
def test_encrypted_or_loopback_is_allowed(url: str) -> None:
    repo = repository_from_url(url)
    assert insecure_transport_problem(repo) is None
    require_secure_transport(repo, allow_insecure_http=False)


@pytest.mark.parametrize(
    "url", ["http://packages.example.com/legacy/", "http://10.1.2.3/", "http://[fe80::1]/"]
)
def test_plain_http_elsewhere_needs_the_explicit_opt_in(url: str) -> None:
    repo = repository_from_url(url)
    problem = insecure_transport_problem(repo)
    assert problem is not None and "unencrypted" in problem
    with pytest.raises(PublishError, match="--allow-insecure-http"):
        require_secure_transport(repo, allow_insecure_http=False)
    require_secure_transport(repo, allow_insecure_http=True)


def test_plain_http_check_url_counts_too() -> None:
    repo = Repository(None, "https://x.example/legacy/", check_url="http://x.example/simple/")
    assert insecure_transport_problem(repo) is not None


def test_pypirc_plain_http_is_refused_the_same(tmp_path: Path) -> None:
    pypirc = tmp_path / "pypirc"
    pypirc.write_text(
        "[distutils]\nindex-servers = corp\n[corp]\nrepository = http://corp.example/\n"
    )
    repo = resolve_repository("corp", config_file=pypirc)
    with pytest.raises(PublishError, match="unencrypted"):
        require_secure_transport(repo, allow_insecure_http=False)


def test_cli_refuses_plain_http_before_anything_is_sent(tmp_path: Path) -> None:
    wheel = tmp_path / "x-1.0-py3-none-any.whl"
    wheel.write_bytes(b"not even a wheel: the transport is refused first")
    args = ["upload", wheel, "--repository-url", "http://pkgs.example.invalid/legacy/"]
    proc = run_cratewright(*args, "-u", "u", "-p", "secret", "--non-interactive")
    assert proc.returncode == 1, proc.stderr
    assert "Refusing to upload" in proc.stderr
    assert "--allow-insecure-http" in proc.stderr
    assert "Traceback" not in proc.stderr
    # With the opt-in the transport check passes and the (bad) file is what fails.
    proc = run_cratewright(*args, "-u", "u", "-p", "secret", "--non-interactive",
                           "--allow-insecure-http")  # fmt: skip
    assert proc.returncode == 1
    assert "Refusing to upload" not in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["credentials", "set", "pypi-SECRETTOKEN", "-r", "pypi"],
        ["credentials", "pypi-SECRETTOKEN", "-r", "pypi"],
        ["credentials", "set", "-r", "pypi", "--bogus=pypi-SECRETTOKEN"],
        ["credentials", "set", "pypi-SECRETTOKEN"],
    ],
)
def test_credentials_never_echo_an_argument(argv: list[str]) -> None:
    proc = run_cratewright(*argv)
    assert proc.returncode == 2
    assert "SECRETTOKEN" not in proc.stderr + proc.stdout
    assert "not repeated here" in proc.stderr
