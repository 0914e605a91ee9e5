"""Send checked files to an index, one at a time, and say exactly what happened to each.

twine does the packaging side (``PackageFile``: metadata form fields, sha256 and blake2
digests; its requests session with twine's User-Agent and GET retries); this module does
the transfer so that it can report byte progress per file, apply timeouts (twine sets
none), never follow a redirect, and turn every answer of the server into one clear message.

Skip-existing works on any index: before sending, the project's PEP 503 simple page is read
and files listed there are skipped (twine >= 6.2 supports this only on PyPI); a 409, or a
400 "already exists", is also treated as "already there" when skipping.

Local files are only ever read. When an upload stops half-way, the error names the files
that reached the server and the ones that did not.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from cratewright.core.publish.credentials import Credential
from cratewright.core.publish.index_files import distribution_identity, existing_files, project_of
from cratewright.core.publish.repositories import (
    Repository,
    require_secure_transport,
    sanitize_url,
)
from cratewright.core.publish.session import DEFAULT_TIMEOUT, requests_session, twine_modules
from cratewright.errors import PublishError
from cratewright.events import CancelToken, EventSink, Message, Progress, Status, null_sink

__all__ = [
    "FileUpload",
    "UploadFailed",
    "UploadResult",
    "upload_distributions",
]

_PROGRESS_STEP = 256 * 1024
_SERVER_RETRIES = 3

FileStatus = Literal["uploaded", "skipped", "failed", "not uploaded"]
FailureKind = Literal["auth", "exists", "network", "server", "redirect", "refused", "cancelled"]


@dataclass(frozen=True)
class FileUpload:
    """What happened to one file."""

    path: Path
    status: FileStatus
    detail: str = ""


@dataclass(frozen=True)
class UploadResult:
    """Per-file outcome of an upload, and where to look at the project afterwards."""

    repository: Repository
    files: tuple[FileUpload, ...]
    project_urls: tuple[str, ...] = ()

    def with_status(self, status: FileStatus) -> list[Path]:
        """The files that ended with this status."""
        return [f.path for f in self.files if f.status == status]

    @property
    def uploaded(self) -> list[Path]:
        """Files the server accepted in this run."""
        return self.with_status("uploaded")

    @property
    def skipped(self) -> list[Path]:
        """Files that were already on the index."""
        return self.with_status("skipped")


class UploadFailed(PublishError):
    """The upload stopped; ``result`` says which files went and ``kind`` what went wrong.

    ``kind`` lets a front offer the right next step: "auth" (update the token), "exists"
    (skip existing), "network"/"server" (retry), "redirect"/"refused" (fix the URL or file).
    """

    def __init__(
        self, message: str, *, result: UploadResult, kind: FailureKind, hint: str | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.result = result
        self.kind = kind


class _Cancelled(Exception):
    pass


@dataclass
class _Run:
    """Mutable bookkeeping of one upload run."""

    repository: Repository
    paths: list[Path]
    outcomes: dict[Path, FileUpload] = field(default_factory=dict)

    def result(self) -> UploadResult:
        files = tuple(self.outcomes.get(p, FileUpload(p, "not uploaded")) for p in self.paths)
        return UploadResult(self.repository, files)

    def fail(
        self, path: Path, kind: FailureKind, message: str, *, detail: str = "", hint: str | None
    ) -> UploadFailed:
        self.outcomes[path] = FileUpload(path, "failed", detail or message)
        result = self.result()
        went = [p.name for p in result.uploaded]
        left = [p.name for p in result.with_status("not uploaded")]
        parts = [message]
        if went:
            parts.append(f"uploaded before this: {', '.join(went)}")
        else:
            parts.append("no file was uploaded")
        if left:
            parts.append(f"not uploaded: {', '.join(left)}")
        parts.append("local files were not changed")
        return UploadFailed("; ".join(parts), result=result, kind=kind, hint=hint)


def _short_text(text: str) -> str:
    """The readable words of a server's answer (HTML error pages included), shortened."""
    text = re.sub(r"(?is)<(style|script|head)\b.*?</\1>", " ", text)
    plain = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())
    return plain[:200]


_NETWORK_CAUSES = (
    ("certificate_verify_failed", "the server's TLS certificate could not be verified"),
    ("connection refused", "connection refused"),
    ("name or service not known", "the host name does not resolve"),
    ("temporary failure in name resolution", "the host name does not resolve"),
    ("nodename nor servname", "the host name does not resolve"),
    ("getaddrinfo failed", "the host name does not resolve"),
    ("network is unreachable", "the network is unreachable"),
    ("remotedisconnected", "the server closed the connection"),
    ("connection reset", "the server closed the connection"),
    ("connection aborted", "the server closed the connection"),
    ("broken pipe", "the server closed the connection"),
)


def _network_cause(exc: BaseException) -> str:
    """A short cause for a requests connection error (its own text is a long repr chain)."""
    text = str(exc).lower()
    for needle, cause in _NETWORK_CAUSES:
        if needle in text:
            return cause
    return _short_text(str(exc))


def _server_says(response: Any) -> str:
    reason = str(getattr(response, "reason", "") or "")
    text = _short_text(str(getattr(response, "text", "") or ""))
    if text and text.lower() not in reason.lower():
        return f"{reason}: {text}" if reason else text
    return reason or "no reason given"


def _already_exists(response: Any) -> bool:
    said = f"{response.reason} {response.text}".lower()
    return response.status_code == 409 or (response.status_code == 400 and "already exist" in said)


def _post(
    session: Any,
    repository: Repository,
    package: Any,
    *,
    timeout: tuple[float, float],
    sink: EventSink,
    cancel: CancelToken | None,
) -> Any:
    """POST one file with twine's form fields, reporting bytes sent."""
    from requests_toolbelt import MultipartEncoder, MultipartEncoderMonitor

    twine = twine_modules()
    fields = twine.repository.Repository._convert_metadata_to_list_of_tuples(
        package.metadata_dictionary()
    )
    fields += [(":action", "file_upload"), ("protocol_version", "1")]
    name = package.basefilename
    with Path(package.filename).open("rb") as handle:
        fields.append(("content", (name, handle, "application/octet-stream")))
        encoder = MultipartEncoder(fields)
        total = encoder.len
        last = [-_PROGRESS_STEP]

        def progress(monitor: Any) -> None:
            if cancel is not None and cancel.cancelled:
                raise _Cancelled
            sent = min(monitor.bytes_read, total)
            if sent != last[0] and (sent - last[0] >= _PROGRESS_STEP or sent == total):
                last[0] = sent
                sink(Progress(sent, total, name))

        monitor = MultipartEncoderMonitor(encoder, progress)
        return session.post(
            repository.upload_url,
            data=monitor,
            headers={"Content-Type": monitor.content_type},
            allow_redirects=False,
            timeout=timeout,
        )


def _upload_one(
    run: _Run,
    session: Any,
    path: Path,
    *,
    skip_existing: bool,
    timeout: tuple[float, float],
    sink: EventSink,
    cancel: CancelToken | None,
) -> FileUpload:
    """Send one file (retrying 5xx answers); return its outcome or raise UploadFailed."""
    import requests

    twine = twine_modules()
    repo = run.repository
    try:
        package = twine.package.PackageFile.from_filename(str(path), None)
    except (twine.exceptions.TwineException, OSError, ValueError) as exc:
        message = f"{path.name} cannot be uploaded: {exc}"
        raise run.fail(path, "refused", message, hint=None) from None
    for attempt in range(1, _SERVER_RETRIES + 1):
        try:
            response = _post(session, repo, package, timeout=timeout, sink=sink, cancel=cancel)
        except _Cancelled:
            message = f"Upload cancelled during {path.name}"
            raise run.fail(path, "cancelled", message, hint=None) from None
        except requests.Timeout:
            raise run.fail(
                path, "network",
                f"{repo.label} ({sanitize_url(repo.upload_url)}) did not answer in time while "
                f"receiving {path.name}",
                hint="check the network and try again; add --skip-existing to skip files "
                "that already went",
            ) from None  # fmt: skip
        except requests.ConnectionError as exc:
            cause = _network_cause(exc)
            raise run.fail(
                path, "network",
                f"Could not reach {repo.label} ({sanitize_url(repo.upload_url)}) while uploading "
                f"{path.name}: {cause}",
                hint="check that the server is up and try again with --skip-existing",
            ) from None  # fmt: skip
        except requests.RequestException as exc:
            raise run.fail(
                path, "network", f"Uploading {path.name} failed: {_short_text(str(exc))}",
                hint=None,
            ) from None  # fmt: skip
        status = response.status_code
        response.close()
        if 500 <= status < 600 and attempt < _SERVER_RETRIES:
            sink(Message(
                "warning",
                f"⚠️  Warning: {repo.label} answered {status} {response.reason} for {path.name}; "
                f"retry {attempt} of {_SERVER_RETRIES - 1}",
            ))  # fmt: skip
            if cancel is not None and cancel.wait(attempt):
                raise run.fail(path, "cancelled", f"Upload cancelled during {path.name}", hint=None)
            continue
        return _judge(run, response, path, package, skip_existing=skip_existing, sink=sink)
    raise AssertionError("unreachable")  # pragma: no cover


def _judge(
    run: _Run, response: Any, path: Path, package: Any, *, skip_existing: bool, sink: EventSink
) -> FileUpload:
    """Turn the server's answer to one file into an outcome or an UploadFailed."""
    repo = run.repository
    status = response.status_code
    where = f"{repo.label} ({sanitize_url(repo.upload_url)})"
    if 200 <= status < 300:
        sink(Message("info", f"✅ Uploaded {path.name}"))
        return FileUpload(path, "uploaded")
    if response.is_redirect or 300 <= status < 400:
        location = sanitize_url(response.headers.get("Location", "?"))
        raise run.fail(
            path, "redirect",
            f"{where} answered the upload of {path.name} with a redirect ({status}) to "
            f"{location}; uploads never follow redirects",
            hint="use the final URL as --repository-url if you trust it (http instead of https, "
            "or a missing trailing slash, are the usual causes)",
        )  # fmt: skip
    if _already_exists(response):
        if skip_existing:
            sink(Message("info", f"⏭️  Skipped {path.name}: it is already on {repo.label}"))
            return FileUpload(path, "skipped", "already on the index")
        raise run.fail(
            path, "exists",
            f"{path.name} already exists on {repo.label} ({status}); a file can never be "
            "replaced on an index",
            detail="already exists on the index",
            hint="bump the version to publish new files, or use --skip-existing to skip "
            "the files that are already there",
        )  # fmt: skip
    if status in (401, 403):
        raise run.fail(
            path, "auth",
            f"{where} refused the credentials ({status} {_server_says(response)}): the token "
            f"or password is wrong or expired, or has no upload rights for {package.safe_name}",
            detail="credentials refused",
            hint="update it with `cratewright credentials set` (or the Set token… button)",
        )  # fmt: skip
    if status in (404, 405):
        raise run.fail(
            path, "refused",
            f"{where} has no upload endpoint at this URL ({status} {_server_says(response)})",
            hint="PyPI's upload URL is https://upload.pypi.org/legacy/ (TestPyPI: "
            "https://test.pypi.org/legacy/)",
        )  # fmt: skip
    if status == 413:
        raise run.fail(
            path, "refused", f"{path.name} is larger than {repo.label} accepts (413)", hint=None
        )
    kind: FailureKind = "server" if status >= 500 else "refused"
    raise run.fail(
        path, kind,
        f"{where} refused {path.name}: {status} {_server_says(response)}",
        hint="try again later" if kind == "server" else None,
    )  # fmt: skip


def upload_distributions(
    paths: Sequence[Path],
    repository: Repository,
    credential: Credential,
    *,
    skip_existing: bool = False,
    allow_insecure_http: bool = False,
    timeout: tuple[float, float] = DEFAULT_TIMEOUT,
    sink: EventSink = null_sink,
    cancel: CancelToken | None = None,
) -> UploadResult:
    """Upload files (wheels first) to the repository; the caller has checked them.

    Raises:
        UploadFailed: the server refused a file, could not be reached, or the user cancelled;
            its ``result`` lists which files were uploaded before that.
        PublishError: plain http:// to a host other than this machine, not allowed.
    """
    require_secure_transport(repository, allow_insecure_http=allow_insecure_http)
    ordered = sorted((Path(p) for p in paths), key=lambda p: not p.name.endswith(".whl"))
    run = _Run(repository, ordered)
    if not ordered:
        raise PublishError("There are no files to upload")
    known: dict[str, set[str] | None] = {}
    if skip_existing:
        for path in ordered:
            project = project_of(path)
            if project not in known:
                known[project] = existing_files(
                    repository, project, credential=credential, timeout=timeout
                )
                if known[project] is None:
                    sink(Message(
                        "warning",
                        f"⚠️  Warning: could not read {repository.project_simple_url(project)}; "
                        "files that exist will be recognised from the server's answer instead",
                    ))  # fmt: skip
    sink(Message(
        "info",
        f"🚀 Uploading {len(ordered)} file(s) to {repository.label} "
        f"({sanitize_url(repository.upload_url)})",
    ))  # fmt: skip
    session = requests_session(repository, credential)
    try:
        for index, path in enumerate(ordered, 1):
            if cancel is not None and cancel.cancelled:
                raise run.fail(path, "cancelled", f"Upload cancelled before {path.name}", hint=None)
            if path.name in (known.get(project_of(path)) or set()):
                said = f"⏭️  Skipped {path.name}: it is already on {repository.label}"
                sink(Message("info", said))
                run.outcomes[path] = FileUpload(path, "skipped", "already on the index")
                continue
            sink(Status(f"Uploading {path.name} ({index}/{len(ordered)})"))
            try:
                outcome = _upload_one(
                    run, session, path,
                    skip_existing=skip_existing, timeout=timeout, sink=sink, cancel=cancel,
                )  # fmt: skip
            except KeyboardInterrupt:
                message = f"Upload interrupted during {path.name}"
                raise run.fail(path, "cancelled", message, hint=None) from None
            run.outcomes[path] = outcome
    finally:
        session.close()
    result = run.result()
    projects = {distribution_identity(p) for p in result.uploaded + result.skipped}
    urls = tuple(sorted(repository.project_url(name, version) for name, version in projects))
    return replace(result, project_urls=urls)
