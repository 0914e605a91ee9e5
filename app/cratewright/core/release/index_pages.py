"""What an index holds for a project, read from its simple API, and downloading one file.

PEP 691 JSON is asked for first (``Accept`` header) and used when the index answers with it;
otherwise the PEP 503 HTML page is parsed. Both give file names, URLs and (where the index
publishes them) SHA-256 hashes, which is what the release compares against its own files.
Reading is anonymous: a public index needs no credential to be read.
"""

from __future__ import annotations

import html.parser
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from cratewright.core.publish.index_files import distribution_identity
from cratewright.core.release.files import write_atomically
from cratewright.errors import PublishError

__all__ = ["IndexFile", "IndexProject", "download_file", "read_project", "simple_url_of"]

_ACCEPT = (
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, "
    "text/html;q=0.1"
)
_TIMEOUT = 30.0


@dataclass(frozen=True)
class IndexFile:
    """One file the index lists."""

    filename: str
    url: str
    sha256: str | None
    version: str | None
    yanked: bool = False


@dataclass(frozen=True)
class IndexProject:
    """Every file the index lists for one project, and the format it answered in."""

    name: str
    page_url: str
    files: tuple[IndexFile, ...]
    json_api: bool

    def versions(self) -> list[str]:
        """The versions with at least one file, oldest first."""
        found: dict[str, Version] = {}
        for file in self.files:
            if file.version is None:
                continue
            try:
                found[file.version] = Version(file.version)
            except InvalidVersion:
                continue
        return [v for v, _ in sorted(found.items(), key=lambda item: item[1])]

    def has_version(self, version: str) -> bool:
        """True when any file of ``version`` (compared as PEP 440 versions) is listed."""
        wanted = Version(version)
        return any(_same_version(f.version, wanted) for f in self.files)

    def files_of(self, version: str) -> list[IndexFile]:
        """The files of one version."""
        wanted = Version(version)
        return [f for f in self.files if _same_version(f.version, wanted)]


def _same_version(text: str | None, wanted: Version) -> bool:
    try:
        return text is not None and Version(text) == wanted
    except InvalidVersion:
        return False


def simple_url_of(index_url: str) -> str:
    """An index URL with the trailing slash the simple API's relative links need."""
    return index_url if index_url.endswith("/") else index_url + "/"


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            values = dict(attrs)
            if values.get("href"):
                self.links.append((str(values["href"]), "data-yanked" in values))


def read_project(
    index_url: str, project: str, *, json_api: bool = True, timeout: float = _TIMEOUT
) -> IndexProject:
    """The files ``index_url`` (a simple index) lists for ``project``; none when it is unknown.

    ``json_api=False`` asks for the HTML page only (what an index without PEP 691 serves).

    Raises:
        PublishError: the index cannot be reached or answers with an error.
    """
    page = f"{simple_url_of(index_url)}{canonicalize_name(project)}/"
    accept = _ACCEPT if json_api else "text/html"
    request = urllib.request.Request(page, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
            content_type = response.headers.get("Content-Type", "")
            final_url = response.geturl()
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return IndexProject(str(canonicalize_name(project)), page, (), False)
        raise PublishError(
            f"The index {index_url} answered {exc.code} for {project}",
            hint="check the index URL (it is the simple index, e.g. https://pypi.org/simple/)",
        ) from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise PublishError(
            f"The index {index_url} cannot be reached: {reason}",
            hint="check the network and the index URL",
        ) from None
    if "json" in content_type:
        return _from_json(project, final_url, body)
    return _from_html(project, final_url, body.decode("utf-8", "replace"))


def _file(url: str, filename: str, sha256: str | None, yanked: bool) -> IndexFile:
    try:
        version: str | None = distribution_identity(Path(filename))[1] or None
    except Exception:  # a file the index lists that is not a distribution
        version = None
    return IndexFile(filename, url, sha256, version, yanked)


def _from_json(project: str, page: str, body: bytes) -> IndexProject:
    try:
        data = json.loads(body)
        files = tuple(
            _file(
                urllib.parse.urljoin(page, str(entry["url"])),
                str(entry["filename"]),
                (entry.get("hashes") or {}).get("sha256"),
                bool(entry.get("yanked")),
            )
            for entry in data.get("files", [])
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PublishError(f"The index's JSON page for {project} is malformed ({exc})") from None
    return IndexProject(str(canonicalize_name(project)), page, files, True)


def _from_html(project: str, page: str, text: str) -> IndexProject:
    parser = _Links()
    parser.feed(text)
    files = []
    for href, yanked in parser.links:
        url = urllib.parse.urljoin(page, href)
        base, _, fragment = url.partition("#")
        filename = urllib.parse.unquote(base.rstrip("/").rsplit("/", 1)[-1])
        sha256 = fragment[len("sha256=") :] if fragment.startswith("sha256=") else None
        files.append(_file(base, filename, sha256, yanked))
    return IndexProject(str(canonicalize_name(project)), page, tuple(files), False)


def download_file(file: IndexFile, folder: Path, *, timeout: float = _TIMEOUT) -> Path:
    """Download one listed file into ``folder``, checking its hash when the index gave one.

    Raises:
        PublishError: the download fails or the bytes do not match the listed hash.
    """
    import hashlib

    try:
        with urllib.request.urlopen(file.url, timeout=timeout) as response:
            data = response.read()
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise PublishError(
            f"Cannot download {file.filename}: {getattr(exc, 'reason', exc)}"
        ) from None
    if file.sha256 and hashlib.sha256(data).hexdigest() != file.sha256:
        raise PublishError(f"{file.filename} from the index does not match its listed sha256")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / file.filename
    write_atomically(target, data)
    return target
