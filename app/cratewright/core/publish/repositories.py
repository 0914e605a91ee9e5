"""Where an upload goes: PyPI and TestPyPI built in, ``~/.pypirc`` sections, or any URL.

The upload URL is also the keyring service name under which a repository's credential is
stored, so it is spelled exactly as twine spells it (known PyPI hosts forced to https, any
other URL kept as given): a token stored here is found by command-line twine and back.
"""

from __future__ import annotations

import configparser
import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import SplitResult, urlsplit, urlunsplit

from packaging.utils import canonicalize_name

from cratewright.errors import PublishError

__all__ = [
    "DEFAULT_CONFIG_FILE",
    "PYPI",
    "PYPI_UPLOAD_URL",
    "TESTPYPI",
    "TESTPYPI_UPLOAD_URL",
    "Repository",
    "builtin_repositories",
    "insecure_transport_problem",
    "list_repositories",
    "normalize_upload_url",
    "read_pypirc",
    "repository_from_url",
    "require_secure_transport",
    "resolve_repository",
    "sanitize_url",
]

PYPI_UPLOAD_URL = "https://upload.pypi.org/legacy/"
TESTPYPI_UPLOAD_URL = "https://test.pypi.org/legacy/"
DEFAULT_CONFIG_FILE = "~/.pypirc"

_PYPI_HOSTS = frozenset({"upload.pypi.org", "pypi.org", "pypi.python.org"})
_TESTPYPI_HOSTS = frozenset({"test.pypi.org", "testpypi.python.org"})
_LEGACY_HOSTS = frozenset({"pypi.python.org", "testpypi.python.org"})


@dataclass(frozen=True)
class Repository:
    """One upload target.

    Attributes:
        name: "pypi", "testpypi", a ``.pypirc`` section, or None for a bare URL.
        upload_url: the legacy upload endpoint; also the keyring service name.
        source: where it came from ("builtin", "pypirc" or "url").
        username: from ``.pypirc`` or the URL, if any.
        password: from ``.pypirc`` or the URL, if any (never shown, never logged).
        ca_cert: a CA bundle from ``.pypirc``, if any.
        check_url: the simple index that ``skip existing`` reads (derived when None).
    """

    name: str | None
    upload_url: str
    source: Literal["builtin", "pypirc", "url"] = "url"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    ca_cert: str | None = None
    check_url: str | None = None

    @property
    def host(self) -> str:
        """The host name of the upload URL."""
        return urlsplit(self.upload_url).hostname or ""

    @property
    def is_pypi(self) -> bool:
        """True for the real PyPI, where a mistake is public and permanent."""
        return self.host in _PYPI_HOSTS

    @property
    def is_testpypi(self) -> bool:
        """True for TestPyPI."""
        return self.host in _TESTPYPI_HOSTS

    @property
    def uses_tokens(self) -> bool:
        """PyPI and TestPyPI accept only API tokens (username ``__token__``)."""
        return self.is_pypi or self.is_testpypi

    @property
    def label(self) -> str:
        """A short name for messages: "PyPI", "TestPyPI", the section name or the host."""
        if self.is_pypi:
            return "PyPI"
        if self.is_testpypi:
            return "TestPyPI"
        return self.name or self.host or self.upload_url

    @property
    def simple_url(self) -> str:
        """The PEP 503 simple index (with a trailing slash) where uploaded files appear."""
        if self.check_url:
            return self.check_url if self.check_url.endswith("/") else self.check_url + "/"
        if self.is_pypi:
            return "https://pypi.org/simple/"
        if self.is_testpypi:
            return "https://test.pypi.org/simple/"
        parts = urlsplit(self.upload_url)
        path = parts.path if parts.path.endswith("/") else parts.path + "/"
        if path.endswith("/legacy/"):
            path = path[: -len("legacy/")]
        return urlunsplit((parts.scheme, parts.netloc, path + "simple/", "", ""))

    def project_simple_url(self, name: str) -> str:
        """The simple page of one project, e.g. ``.../simple/pyo3-mixed/``."""
        return f"{self.simple_url}{canonicalize_name(name)}/"

    def project_url(self, name: str, version: str | None = None) -> str:
        """Where a person sees the project: the PyPI page, or the simple page elsewhere."""
        if self.is_pypi or self.is_testpypi:
            base = "https://pypi.org" if self.is_pypi else "https://test.pypi.org"
            suffix = f"{version}/" if version else ""
            return f"{base}/project/{canonicalize_name(name)}/{suffix}"
        return self.project_simple_url(name)


PYPI = Repository("pypi", PYPI_UPLOAD_URL, "builtin")
TESTPYPI = Repository("testpypi", TESTPYPI_UPLOAD_URL, "builtin")


def builtin_repositories() -> tuple[Repository, Repository]:
    """PyPI and TestPyPI, usable without any configuration file."""
    return (PYPI, TESTPYPI)


def _split(url: str) -> SplitResult:
    """``urlsplit`` whose ValueError ("Invalid IPv6 URL", bad port) is a PublishError."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        shown = url if "@" not in url else "(a URL with credentials)"
        raise PublishError(f"Invalid repository URL {shown!r}: {exc}") from None
    return parts


def _is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost.localdomain") or host.lower().endswith(
        ".localhost"
    ):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def insecure_transport_problem(repository: Repository) -> str | None:
    """Why uploading to ``repository`` would send the credential in clear text, or None.

    Plain ``http://`` is fine on this machine's loopback (a local test index); anywhere else
    the token crosses the network unencrypted. The CLI refuses it unless
    ``--allow-insecure-http``; the GUI says so in its pre-flight. One rule for both.
    """
    urls = [repository.upload_url, *([repository.check_url] if repository.check_url else [])]
    for url in urls:
        parts = _split(url)
        if parts.scheme == "http" and not _is_loopback(parts.hostname or ""):
            return (
                f"{sanitize_url(url)} is plain http:// on a host that is not this machine: "
                "the credential would be sent unencrypted"
            )
    return None


def require_secure_transport(repository: Repository, *, allow_insecure_http: bool) -> None:
    """Raise unless the upload is encrypted, local, or plain http was explicitly allowed."""
    problem = insecure_transport_problem(repository)
    if problem is not None and not allow_insecure_http:
        raise PublishError(
            f"Refusing to upload: {problem}",
            hint="use the https:// URL of the index, or pass --allow-insecure-http (GUI: "
            "tick 'Allow plain HTTP') if you accept that risk",
        )


def sanitize_url(url: str) -> str:
    """The URL with any ``user:password@`` replaced, safe to print."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url if "@" not in url else "(a URL with credentials)"
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, f"********@{host}", parts.path, parts.query, parts.fragment))


def normalize_upload_url(url: str) -> str:
    """twine's spelling of an upload URL: known PyPI hosts forced to https, others as given.

    Raises:
        PublishError: not an http(s) URL with a host, or the retired pypi.python.org.
    """
    url = url.strip()
    parts = _split(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PublishError(
            f"Invalid repository URL {sanitize_url(url)!r}: expected http:// or https:// "
            "and a host name",
            hint="PyPI's upload URL is https://upload.pypi.org/legacy/",
        )
    if parts.hostname in _LEGACY_HOSTS:
        raise PublishError(
            f"{parts.hostname} no longer accepts uploads",
            hint=f"use {PYPI_UPLOAD_URL} (PyPI) or {TESTPYPI_UPLOAD_URL} (TestPyPI)",
        )
    if parts.hostname in _PYPI_HOSTS | _TESTPYPI_HOSTS:
        return urlunsplit(("https", *parts[1:]))
    return url


def repository_from_url(url: str, *, check_url: str | None = None) -> Repository:
    """A repository for a URL given on the command line or typed in the GUI.

    ``user:password@`` in the URL is split off (as twine does) so that neither the keyring
    service name nor any message contains it.
    """
    parts = _split(url.strip())
    username = password = None
    if parts.username is not None or parts.password is not None:
        username, password = parts.username, parts.password
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        url = urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    normalized = normalize_upload_url(url)
    for builtin in builtin_repositories():
        if normalized == builtin.upload_url and username is None and check_url is None:
            return builtin
    return Repository(None, normalized, "url", username, password, check_url=check_url)


def _config_path(config_file: str | os.PathLike[str] | None) -> Path:
    return Path(str(config_file or DEFAULT_CONFIG_FILE)).expanduser()


def read_pypirc(config_file: str | os.PathLike[str] | None = None) -> dict[str, Repository]:
    """The repositories a ``.pypirc`` defines, by name, with twine's defaults filled in.

    A missing default file is fine (PyPI and TestPyPI still exist); a missing file that was
    named explicitly, or a malformed one, is an error. The parser's own message is never
    shown because it may quote a password from the file.

    Raises:
        PublishError: unreadable or malformed file.
    """
    path = _config_path(config_file)
    parser = configparser.RawConfigParser()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if config_file is not None and str(config_file) != DEFAULT_CONFIG_FILE:
            raise PublishError(f"The configuration file {path} does not exist") from None
        text = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise PublishError(f"Cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        parser.read_string(text, source=str(path))
    except configparser.Error:
        raise PublishError(
            f"Malformed configuration in {path}",
            hint="see https://packaging.python.org/specifications/pypirc/",
        ) from None
    default_user = parser.get("server-login", "username", fallback=None)
    default_password = parser.get("server-login", "password", fallback=None)
    servers = parser.get("distutils", "index-servers", fallback="pypi testpypi").split()
    found: dict[str, Repository] = {"pypi": PYPI}
    if "testpypi" in servers:
        found["testpypi"] = TESTPYPI
    for name in servers:
        builtin = found.get(name)
        url = parser.get(name, "repository", fallback=None)
        if url is None and builtin is None:
            continue  # twine would fail on it only when used; we list only usable ones
        upload_url = normalize_upload_url(url) if url else builtin.upload_url  # type: ignore[union-attr]
        found[name] = Repository(
            name,
            upload_url,
            "pypirc" if parser.has_section(name) else "builtin",
            parser.get(name, "username", fallback=default_user),
            parser.get(name, "password", fallback=default_password),
            parser.get(name, "ca_cert", fallback=None),
        )
    return found


def list_repositories(config_file: str | os.PathLike[str] | None = None) -> list[Repository]:
    """TestPyPI, PyPI, then the ``.pypirc`` sections (what the GUI offers)."""
    configured = read_pypirc(config_file)
    ordered = [configured.get("testpypi", TESTPYPI), configured["pypi"]]
    ordered += [repo for name, repo in configured.items() if name not in ("pypi", "testpypi")]
    return ordered


def resolve_repository(
    name: str | None = None,
    url: str | None = None,
    *,
    config_file: str | os.PathLike[str] | None = None,
    check_url: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Repository:
    """The repository for ``-r NAME`` / ``--repository-url URL`` (the URL wins, as in twine).

    Without either, twine's and maturin's environment variables are read (URL first), then
    the default "pypi".

    Raises:
        PublishError: unknown name, bad URL or unreadable ``.pypirc``.
    """
    env = os.environ if environ is None else environ
    if not name and not url:
        url = env.get("TWINE_REPOSITORY_URL") or env.get("MATURIN_REPOSITORY_URL")
        name = env.get("TWINE_REPOSITORY") or env.get("MATURIN_REPOSITORY")
    if url:
        return repository_from_url(url, check_url=check_url)
    name = name or "pypi"
    configured = read_pypirc(config_file)
    if name not in configured:
        known = ", ".join(sorted(configured))
        raise PublishError(
            f"Unknown repository {name!r}: it is not a section of {_config_path(config_file)} "
            f"(known: {known})",
            hint="use --repository-url URL for an index without a .pypirc section",
        )
    repo = configured[name]
    if check_url:
        repo = Repository(
            repo.name, repo.upload_url, repo.source, repo.username, repo.password,
            repo.ca_cert, check_url,
        )  # fmt: skip
    return repo
