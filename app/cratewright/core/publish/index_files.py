"""Which files an index already lists for a project (PEP 503/691 simple page), for skip-existing.

Works on any index, not only PyPI; None means the index could not tell, so nothing is skipped
on a guess.
"""

from __future__ import annotations

import html.parser
import re
from pathlib import Path

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion

from cratewright.core.publish.credentials import Credential
from cratewright.core.publish.repositories import Repository
from cratewright.core.publish.session import DEFAULT_TIMEOUT, requests_session

__all__ = ["distribution_identity", "existing_files", "project_of"]


class _Anchors(html.parser.HTMLParser):
    """File names of the ``<a>`` links of a PEP 503 page."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self._href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href") or ""
            name = self._href.split("#")[0].split("?")[0].rstrip("/").rsplit("/", 1)[-1]
            if name:
                self.names.add(name)

    def handle_data(self, data: str) -> None:
        if self._href is not None and data.strip():
            self.names.add(data.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._href = None


def existing_files(
    repository: Repository,
    project: str,
    *,
    credential: Credential | None = None,
    timeout: tuple[float, float] = DEFAULT_TIMEOUT,
) -> set[str] | None:
    """File names the index already lists for a project; None if the index cannot tell.

    The credential is sent only to the upload host itself, never to another host (PyPI's
    simple index is on pypi.org, its upload endpoint on upload.pypi.org).
    """
    import requests

    url = repository.project_simple_url(project)
    same_host = repository.host == (re.sub(r"^https?://([^/:]+).*$", r"\1", url))
    session = requests_session(repository, credential if same_host else None)
    try:
        response = session.get(
            url,
            headers={"Accept": "application/vnd.pypi.simple.v1+json, text/html;q=0.1"},
            timeout=timeout,
            allow_redirects=True,
        )
    except requests.RequestException:
        return None
    finally:
        session.close()
    if response.status_code == 404:
        return set()
    if not response.ok:
        return None
    if "json" in response.headers.get("Content-Type", ""):
        try:
            return {str(f["filename"]) for f in response.json().get("files", [])}
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
    parser = _Anchors()
    parser.feed(response.text)
    return parser.names


def distribution_identity(path: Path) -> tuple[str, str]:
    """(canonical project name, version) from a wheel or sdist file name."""
    try:
        if path.name.endswith(".whl"):
            name, version, _, _ = parse_wheel_filename(path.name)
        else:
            name, version = parse_sdist_filename(path.name)
        return str(name), str(version)
    except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion):
        stem = path.name.removesuffix(".zip").removesuffix(".tar.gz")
        name, _, version = stem.rpartition("-")
        return str(canonicalize_name(name or stem)), version


def project_of(path: Path) -> str:
    return distribution_identity(path)[0]
