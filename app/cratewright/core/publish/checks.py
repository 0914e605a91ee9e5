"""The pre-flight check: would the index accept this file, and would PyPI render its readme?

It runs the same metadata validation as twine (``packaging.metadata``: every field checked
against its Metadata-Version, unknown fields refused), renders reStructuredText readmes with
readme-renderer as PyPI does, and adds the rules PyPI applies on upload (valid classifiers,
no local versions, only platform tags PyPI lists: no ``linux_*`` wheels). It reads files
only, never the network, so a corrupt wheel is refused before any credential is asked for
or any byte is sent.
"""

from __future__ import annotations

import email.message
import io
import tarfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from packaging.metadata import ExceptionGroup, InvalidMetadata, Metadata, parse_email
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from cratewright.core.audit.pypi_tags import pypi_platform_problem
from cratewright.core.publish.repositories import Repository
from cratewright.core.user_files import path_kind
from cratewright.errors import PublishError
from cratewright.events import EventSink, Message, null_sink

__all__ = [
    "FileCheck",
    "check_distribution",
    "check_distributions",
    "distribution_kind",
    "ensure_uploadable",
]

PYPI_MAX_FILE_SIZE = 100 * 1024 * 1024


@dataclass(frozen=True)
class FileCheck:
    """The verdict on one file: errors mean the index would refuse it."""

    path: Path
    kind: Literal["wheel", "sdist", "unknown"]
    name: str | None
    version: str | None
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when nothing would make the index refuse the file."""
        return not self.errors

    @property
    def summary(self) -> str:
        """ "passed", "passed with N warning(s)" or the first error."""
        if self.errors:
            return self.errors[0]
        if self.warnings:
            return f"passed with {len(self.warnings)} warning(s)"
        return "passed"


def distribution_kind(path: Path) -> Literal["wheel", "sdist", "unknown"]:
    """What a file name says the file is."""
    name = path.name.lower()
    if name.endswith(".whl"):
        return "wheel"
    if name.endswith((".tar.gz", ".zip")):
        return "sdist"
    return "unknown"


class _Refused(Exception):
    """A fatal problem: stop checking this file."""


def _read_wheel_metadata(path: Path, errors: list[str]) -> bytes:
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
            if bad is not None:
                raise _Refused(f"the archive is corrupt: entry {bad} fails its CRC check")
            names = archive.namelist()
            dist_infos = sorted(
                {n.split("/")[0] for n in names if n.split("/")[0].endswith(".dist-info")}
            )
            if len(dist_infos) != 1:
                raise _Refused(
                    f"expected one .dist-info directory in the wheel, found {len(dist_infos)}"
                )
            if f"{dist_infos[0]}/WHEEL" not in names:
                errors.append(f"{dist_infos[0]}/WHEEL is missing")
            try:
                return archive.read(f"{dist_infos[0]}/METADATA")
            except KeyError:
                raise _Refused(f"{dist_infos[0]}/METADATA is missing") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise _Refused(f"not a valid zip archive ({exc})") from None
    except (OSError, ValueError) as exc:
        raise _Refused(f"the archive cannot be read ({exc})") from None


def _read_sdist_metadata(path: Path) -> bytes:
    if path.name.lower().endswith(".zip"):
        try:
            with zipfile.ZipFile(path) as archive:
                if archive.testzip() is not None:
                    raise _Refused("the archive is corrupt")
                names = archive.namelist()
                roots = {n.split("/")[0] for n in names}
                if len(roots) != 1:
                    raise _Refused("an sdist must hold exactly one top-level directory")
                return archive.read(f"{roots.pop()}/PKG-INFO")
        except KeyError:
            raise _Refused("PKG-INFO is missing from the top-level directory") from None
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise _Refused(f"not a valid zip archive ({exc})") from None
    try:
        with tarfile.open(path, "r:gz") as archive:
            members = archive.getmembers()  # reads the whole stream: catches truncation
            roots = {m.name.split("/")[0] for m in members}
            if len(roots) != 1:
                raise _Refused("an sdist must hold exactly one top-level directory")
            root = roots.pop()
            try:
                member = archive.getmember(f"{root}/PKG-INFO")
            except KeyError:
                raise _Refused(f"{root}/PKG-INFO is missing") from None
            if not member.isfile():
                raise _Refused(f"{root}/PKG-INFO is not a regular file")
            handle = archive.extractfile(member)
            if handle is None:
                raise _Refused(f"{root}/PKG-INFO cannot be read")
            return handle.read()
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
        raise _Refused(f"not a valid .tar.gz archive ({exc})") from None


def _parse_content_type(value: str) -> tuple[str, dict[str, str]]:
    message = email.message.EmailMessage()
    message["content-type"] = value
    return message.get_content_type(), dict(message["content-type"].params)


def _readme_problems(
    description: str | None, content_type: str | None
) -> tuple[list[str], list[str]]:
    """(errors, warnings) for the long description, rendered the way PyPI renders it."""
    errors: list[str] = []
    warnings: list[str] = []
    if content_type is None:
        warnings.append("no Description-Content-Type: PyPI renders the readme as reStructuredText")
        content_type = "text/x-rst"
    kind, params = _parse_content_type(content_type)
    if not description or description.rstrip() == "UNKNOWN":
        warnings.append("no long description (readme): the project page on the index is empty")
        return errors, warnings
    if kind == "text/x-rst":
        try:
            import readme_renderer.rst
        except ImportError:
            warnings.append("readme-renderer is not installed; the readme was not rendered")
            return errors, warnings
        stream = io.StringIO()
        if readme_renderer.rst.render(description, stream=stream, **params) is None:
            details = " ".join(stream.getvalue().split())[:300]
            errors.append(
                "the readme (reStructuredText) has markup errors and PyPI would refuse it"
                + (f": {details}" if details else "")
            )
    return errors, warnings


def _metadata_problems(raw_bytes: bytes) -> tuple[dict[str, object], list[str], list[str]]:
    """(raw fields, errors, warnings) by twine's rules: unknown fields and invalid values fail."""
    errors: list[str] = []
    try:
        raw, unparsed = parse_email(raw_bytes)
    except (ValueError, UnicodeDecodeError) as exc:
        return {}, [f"the metadata cannot be parsed ({exc})"], []
    try:
        metadata_version = Version(str(raw.get("metadata_version", "0")))
    except InvalidVersion:
        metadata_version = Version("0")
    if metadata_version < Version("2.4"):
        raw.pop("license_files", None)  # twine drops setuptools' pre-2.4 License-File
        unparsed.pop("license-file", None)
    errors += [f"unrecognized or malformed metadata field {key!r}" for key in sorted(unparsed)]
    try:
        Metadata.from_raw(raw)
    except ExceptionGroup as group:
        errors += sorted(str(exc) for exc in group.exceptions)
    except InvalidMetadata as exc:
        errors.append(str(exc))
    readme_errors, warnings = _readme_problems(
        raw.get("description"), raw.get("description_content_type")
    )
    return dict(raw), errors + readme_errors, warnings


def _index_rules(
    raw: dict[str, object], path: Path, kind: str, repository: Repository | None
) -> tuple[list[str], list[str]]:
    """PyPI's own upload rules (only errors when the target is PyPI or TestPyPI)."""
    errors: list[str] = []
    warnings: list[str] = []
    pypi = repository is None or repository.uses_tokens
    rules = errors if pypi else warnings
    version = str(raw.get("version", ""))
    try:
        if Version(version).local is not None:
            rules.append(f"PyPI refuses local versions such as {version}")
    except InvalidVersion:
        pass
    classifiers = raw.get("classifiers") or []
    if isinstance(classifiers, list) and classifiers:
        try:
            from trove_classifiers import classifiers as known
            from trove_classifiers import deprecated_classifiers
        except ImportError:
            known, deprecated_classifiers = None, {}
        for classifier in classifiers:
            if str(classifier).startswith("Private ::"):
                rules.append(f"PyPI refuses private classifiers: {classifier}")
            elif classifier in deprecated_classifiers:
                rules.append(f"deprecated classifier: {classifier}")
            elif known is not None and classifier not in known:
                rules.append(f"unknown classifier: {classifier}")
    if kind == "wheel":
        # the same rule as `build --compatibility pypi` (warehouse's platform tag list)
        problem = pypi_platform_problem(path.name)
        if problem is not None:
            rules.append(problem)
    if kind == "sdist" and path.name.lower().endswith(".zip"):
        rules.append("PyPI accepts source distributions only as .tar.gz")
    try:
        if path.stat().st_size > PYPI_MAX_FILE_SIZE:
            warnings.append("larger than PyPI's default limit of 100 MB per file")
    except OSError:
        pass
    return errors, warnings


def _filename_identity(path: Path, kind: str) -> tuple[str | None, str | None, str | None]:
    """(name, version, error) from the file name."""
    try:
        if kind == "wheel":
            name, version, _, _ = parse_wheel_filename(path.name)
        elif path.name.lower().endswith(".zip"):
            stem = path.name[: -len(".zip")]
            name_part, _, version_part = stem.rpartition("-")
            return canonicalize_name(name_part), str(Version(version_part)), None
        else:
            name, version = parse_sdist_filename(path.name)
    except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion) as exc:
        return None, None, f"invalid file name: {exc}"
    return str(name), str(version), None


def check_distribution(path: Path, *, repository: Repository | None = None) -> FileCheck:
    """Check one wheel or sdist without touching the network.

    ``repository`` decides whether PyPI's own rules are errors (PyPI, TestPyPI, or None)
    or only warnings (other indexes).
    """
    path = Path(path)
    kind = distribution_kind(path)
    try:
        what = path_kind(path, "the file", error=PublishError)
    except PublishError as exc:  # a FIFO, device, loop...: refused before anything opens it
        return FileCheck(path, kind, None, None, (exc.message,))
    if what != "file":
        reason = "the file does not exist" if what == "missing" else "it is a directory"
        return FileCheck(path, kind, None, None, (reason,))
    if kind == "unknown":
        return FileCheck(
            path, kind, None, None, ("not a distribution: expected a .whl or .tar.gz file",)
        )
    name, version, name_error = _filename_identity(path, kind)
    errors: list[str] = [name_error] if name_error else []
    warnings: list[str] = []
    try:
        raw_bytes = (
            _read_wheel_metadata(path, errors) if kind == "wheel" else _read_sdist_metadata(path)
        )
    except _Refused as exc:
        return FileCheck(path, kind, name, version, (*errors, str(exc)))
    raw, metadata_errors, metadata_warnings = _metadata_problems(raw_bytes)
    errors += metadata_errors
    warnings += metadata_warnings
    meta_name, meta_version = raw.get("name"), raw.get("version")
    if name and meta_name and canonicalize_name(str(meta_name)) != canonicalize_name(name):
        errors.append(f"the file name says {name} but the metadata says {meta_name}")
    if version and meta_version:
        try:
            if Version(str(meta_version)) != Version(version):
                errors.append(
                    f"the file name says version {version} but the metadata says {meta_version}"
                )
        except InvalidVersion:
            pass  # already reported by the metadata validation
    rule_errors, rule_warnings = _index_rules(raw, path, kind, repository)
    errors += rule_errors
    warnings += rule_warnings
    display_name = str(meta_name) if meta_name else name
    display_version = str(meta_version) if meta_version else version
    return FileCheck(path, kind, display_name, display_version, tuple(errors), tuple(warnings))


def check_distributions(
    paths: Iterable[Path],
    *,
    repository: Repository | None = None,
    sink: EventSink = null_sink,
) -> list[FileCheck]:
    """Check every file (wheels first, as twine orders them) and report each verdict."""
    ordered = sorted((Path(p) for p in paths), key=lambda p: distribution_kind(p) != "wheel")
    results: list[FileCheck] = []
    seen: dict[str, Path] = {}
    for path in ordered:
        result = check_distribution(path, repository=repository)
        if path.name in seen and seen[path.name] != path:
            result = FileCheck(
                result.path, result.kind, result.name, result.version,
                (*result.errors, f"another file named {path.name} is in the same upload"),
                result.warnings,
            )  # fmt: skip
        seen.setdefault(path.name, path)
        results.append(result)
        if result.ok:
            sink(Message("info", f"🔍 Checked {path.name}: {result.summary}"))
            for warning in result.warnings:
                sink(Message("warning", f"⚠️  Warning: {path.name}: {warning}"))
        else:
            for error in result.errors:
                sink(Message("warning", f"❌ {path.name}: {error}"))
    return results


def ensure_uploadable(checks: Sequence[FileCheck]) -> None:
    """Refuse the whole upload if any file would be refused (nothing is sent then).

    Raises:
        PublishError: no files, or at least one file failed its check.
    """
    if not checks:
        raise PublishError("There are no files to upload")
    failed = [c for c in checks if not c.ok]
    if failed:
        first = failed[0]
        others = f" (and {len(failed) - 1} more file(s))" if len(failed) > 1 else ""
        raise PublishError(
            f"{first.path.name} would be refused by the index: {first.errors[0]}{others}; "
            "nothing was uploaded"
        )
