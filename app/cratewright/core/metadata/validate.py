"""Check metadata values the way the packaging tools downstream will.

Each rule says what is wrong (``message``) and what to do (``hint``), tied to one field and,
for lists and tables, to the item at fault, so a form can mark it in place. Values are
checked with :mod:`packaging` (names, versions, requirements, specifiers, SPDX expressions)
and classifiers against the ``trove-classifiers`` list PyPI uses. :func:`preflight` runs
``packaging.metadata.Metadata.from_email(..., validate=True)`` on rendered METADATA: the same
check twine runs before an upload.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression
from packaging.metadata import InvalidMetadata, Metadata
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import InvalidName, canonicalize_name
from packaging.version import InvalidVersion, Version
from trove_classifiers import classifiers as TROVE_CLASSIFIERS
from trove_classifiers import deprecated_classifiers

from cratewright.core.metadata.readme_license import check_pep639_glob
from cratewright.core.metadata.requirements import canonical_requirement
from cratewright.core.metadata.versions import cargo_to_pep440
from cratewright.core.user_files import path_kind
from cratewright.errors import MetadataError

__all__ = [
    "Problem",
    "classifier_choices",
    "preflight",
    "validate_field",
]

_SEMVER = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?"
)
_EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+")
_ENTRY_NAME = re.compile(r"[\w.+-]+(?: [\w.+-]+)*")
_OBJECT_REF = re.compile(r"[\w.]+(?:\s*:\s*[\w.]+)?(?:\s*\[[\w.,\s-]*\])?")
_EXTRA = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")
_README_TYPES = {".md": "Markdown", ".markdown": "Markdown", ".rst": "reStructuredText"}

# packaging's raw field names -> our field keys
_RAW_TO_FIELD = {
    "name": "name",
    "version": "version",
    "summary": "description",
    "description": "readme",
    "description_content_type": "readme",
    "keywords": "keywords",
    "author": "authors",
    "author_email": "authors",
    "maintainer": "maintainers",
    "maintainer_email": "maintainers",
    "license": "license",
    "license_expression": "license",
    "license_files": "license-files",
    "classifiers": "classifiers",
    "requires_dist": "dependencies",
    "provides_extra": "optional-dependencies",
    "requires_python": "requires-python",
    "project_urls": "urls",
    "home_page": "urls",
    "download_url": "urls",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a field.

    Attributes:
        field: The PEP 621 key of the field (``description`` for the summary).
        message: What is wrong, in one line.
        hint: What to do about it.
        severity: ``error`` (a build or upload would fail) or ``warning``.
        item: The list element or table key at fault, when there is one.
    """

    field: str
    message: str
    hint: str
    severity: Literal["error", "warning"] = "error"
    item: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        """JSON-friendly form for ``metadata show --json``."""
        return {
            "field": self.field,
            "severity": self.severity,
            "message": self.message,
            "hint": self.hint,
            "item": self.item,
        }


def classifier_choices() -> list[str]:
    """Every classifier PyPI accepts today, sorted (for the searchable picker)."""
    return sorted(TROVE_CLASSIFIERS)


def validate_field(
    key: str, value: Any, *, origin: str = "project", base_dir: Path | None = None
) -> list[Problem]:
    """Check one field's value (in the editor shape of :class:`FieldView`).

    Args:
        key: The PEP 621 key.
        value: The value to check.
        origin: ``cargo``/``workspace`` when the value lives in Cargo.toml, where different
            rules apply (SemVer versions, free-form license strings).
        base_dir: Directory that path values (readme) are relative to.
    """
    checker = _CHECKS.get(key)
    if checker is None or value is None:
        return []
    return checker(key, value, origin, base_dir)


def _p(
    key: str, message: str, hint: str, item: str | None = None, *, warn: bool = False
) -> Problem:
    return Problem(key, message, hint, "warning" if warn else "error", item)


def _name(key: str, value: str, origin: str, base: Path | None) -> list[Problem]:
    try:
        canonicalize_name(value, validate=True)
    except InvalidName:
        return [
            _p(
                key,
                f"{value!r} is not a valid distribution name",
                "use ASCII letters, digits, '-', '_' and '.'; start and end with a letter or digit",
            )
        ]
    return []


def _version(key: str, value: str, origin: str, base: Path | None) -> list[Problem]:
    if origin in ("cargo", "workspace"):
        if not _SEMVER.fullmatch(value):
            return [
                _p(
                    key,
                    f"{value!r} is not a SemVer version, which Cargo.toml requires",
                    "write MAJOR.MINOR.PATCH, e.g. 1.2.0 or 1.2.0-alpha.1",
                )
            ]
        try:
            cargo_to_pep440(value)
        except MetadataError as exc:
            return [
                _p(
                    key,
                    exc.message,
                    "use a pre-release Python understands: -alpha.1, -beta.2, -rc.1 or -dev",
                )
            ]
        return []
    try:
        Version(value)
    except InvalidVersion:
        return [_p(key, f"{value!r} is not a PEP 440 version", "e.g. 1.2.0, 1.2.0a1, 1.2.0.dev0")]
    return []


def _summary(key: str, value: str, origin: str, base: Path | None) -> list[Problem]:
    if "\n" in value.strip() or "\r" in value.strip():
        return [_p(key, "the summary must be a single line", "move longer text into the readme")]
    if len(value) > 512:
        return [_p(key, "the summary is longer than 512 characters", "shorten it", warn=True)]
    return []


def _readme(key: str, value: str, origin: str, base: Path | None) -> list[Problem]:
    if base is None:
        return []
    path = base / value
    try:
        kind = path_kind(path, "readme file", error=MetadataError)
    except MetadataError as exc:
        return [_p(key, exc.message, f"point readme at a regular file ({path})")]
    if kind != "file":
        what = "is a directory" if kind == "dir" else "does not exist"
        return [_p(key, f"readme file `{value}` {what}", f"create it or fix the path ({path})")]
    if path.suffix.lower() not in _README_TYPES and path.suffix.lower() != ".txt" and path.suffix:
        return [
            _p(
                key,
                f"`{value}` will be published as plain text",
                "name the readme *.md or *.rst to have it rendered on PyPI",
                warn=True,
            )
        ]
    return []


def _license(key: str, value: str, origin: str, base: Path | None) -> list[Problem]:
    try:
        canonical = canonicalize_license_expression(value)
    except InvalidLicenseExpression as exc:
        if origin in ("cargo", "workspace"):
            return [
                _p(
                    key,
                    f"Cargo license {value!r} is not an SPDX expression ({exc})",
                    "use e.g. `MIT OR Apache-2.0`; maturin copies it into the legacy License field",
                    warn=True,
                )
            ]
        return [
            _p(
                key,
                f"{value!r} is not a valid SPDX license expression: {exc}",
                "use SPDX identifiers joined by AND/OR, e.g. `MIT OR Apache-2.0`",
            )
        ]
    if canonical != value:
        return [
            _p(
                key,
                f"license expression {value!r} is not in canonical form",
                f"write `{canonical}`",
                warn=True,
            )
        ]
    return []


def _globs(key: str, value: list[str], origin: str, base: Path | None) -> list[Problem]:
    problems = []
    for pattern in value:
        try:
            check_pep639_glob(pattern)
        except MetadataError as exc:
            problems.append(_p(key, exc.message, "use a relative glob like `LICENSE*`", pattern))
    return problems


def _contacts(
    key: str, value: list[Mapping[str, str]], origin: str, base: Path | None
) -> list[Problem]:
    problems = []
    for contact in value:
        name, email = contact.get("name") or "", contact.get("email") or ""
        label = email or name or "(empty)"
        if not name and not email:
            problems.append(
                _p(key, "an entry has neither name nor email", "fill one in or remove it", label)
            )
        elif email and not _EMAIL.fullmatch(email):
            problems.append(
                _p(key, f"{email!r} is not an email address", "write it as user@example.com", label)
            )
        elif "," in name and origin == "project":
            problems.append(
                _p(
                    key,
                    f"name {name!r} contains a comma",
                    "names are joined with ', ' in METADATA; drop the comma",
                    label,
                    warn=True,
                )
            )
    return problems


def _keywords(key: str, value: list[str], origin: str, base: Path | None) -> list[Problem]:
    problems = []
    for word in value:
        if not word.strip():
            problems.append(_p(key, "a keyword is empty", "remove it", word))
        elif "," in word:
            problems.append(
                _p(key, f"keyword {word!r} contains a comma", "split it into two keywords", word)
            )
    return problems


def _classifiers(key: str, value: list[str], origin: str, base: Path | None) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for classifier in value:
        if classifier in seen:
            problems.append(_p(key, f"`{classifier}` is listed twice", "remove one", classifier))
        seen.add(classifier)
        if classifier in TROVE_CLASSIFIERS:
            continue
        if classifier in deprecated_classifiers:
            replacements = deprecated_classifiers[classifier]
            hint = (
                "use " + " or ".join(f"`{r}`" for r in replacements)
                if replacements
                else "remove it"
            )
            problems.append(_p(key, f"`{classifier}` is deprecated", hint, classifier))
        elif classifier.startswith("Private ::"):
            problems.append(
                _p(
                    key,
                    f"`{classifier}` makes PyPI refuse the upload",
                    "keep it only for private indexes",
                    classifier,
                    warn=True,
                )
            )
        else:
            close = difflib.get_close_matches(classifier, TROVE_CLASSIFIERS, n=1, cutoff=0.6)
            hint = f"did you mean `{close[0]}`?" if close else "pick one from the classifier list"
            problems.append(_p(key, f"`{classifier}` is not a known classifier", hint, classifier))
    return problems


def _urls(key: str, value: Mapping[str, str], origin: str, base: Path | None) -> list[Problem]:
    problems = []
    for label, url in value.items():
        if not label.strip():
            problems.append(_p(key, "a URL has an empty label", "name it, e.g. Homepage", label))
        elif len(label) > 32:
            problems.append(
                _p(key, f"label {label!r} is longer than 32 characters", "shorten it", label)
            )
        try:
            parsed = urlparse(url)
            parsed.port  # noqa: B018 - raises ValueError for a bad port
        except ValueError as exc:  # "Invalid IPv6 URL", a port out of range
            problems.append(_p(key, f"{url!r} is not a valid URL: {exc}", "fix the URL", label))
            continue
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            problems.append(
                _p(key, f"{url!r} is not an http(s) URL", "write e.g. https://example.com", label)
            )
    return problems


def _requires_python(key: str, value: str, origin: str, base: Path | None) -> list[Problem]:
    try:
        SpecifierSet(value)
    except InvalidSpecifier:
        return [_p(key, f"{value!r} is not a version specifier", "e.g. >=3.9")]
    return []


def _requirement(key: str, text: str, item: str) -> list[Problem]:
    try:
        Requirement(text)
        canonical_requirement(text)
    except InvalidRequirement as exc:
        first = str(exc).splitlines()[0]
        return [_p(key, f"{text!r} is not a valid requirement: {first}", "e.g. numpy>=1.26", item)]
    except MetadataError as exc:
        return [_p(key, exc.message, "e.g. numpy>=1.26", item)]
    return []


def _dependencies(key: str, value: list[str], origin: str, base: Path | None) -> list[Problem]:
    return [p for text in value for p in _requirement(key, text, text)]


def _extras(
    key: str, value: Mapping[str, list[str]], origin: str, base: Path | None
) -> list[Problem]:
    problems = []
    for extra, deps in value.items():
        if not _EXTRA.fullmatch(extra):
            problems.append(
                _p(key, f"{extra!r} is not a valid extra name", "use letters, digits, '-'", extra)
            )
        problems += [p for text in deps for p in _requirement(key, text, extra)]
    return problems


def _entries(key: str, table: Mapping[str, str], item_prefix: str = "") -> list[Problem]:
    problems = []
    for name, ref in table.items():
        item = f"{item_prefix}{name}"
        if not _ENTRY_NAME.fullmatch(name):
            problems.append(
                _p(key, f"{name!r} is not a valid entry point name", "no '=' or brackets", item)
            )
        if not _OBJECT_REF.fullmatch(ref.strip()):
            problems.append(
                _p(key, f"{ref!r} is not an object reference", "write module.sub:function", item)
            )
    return problems


def _scripts(key: str, value: Mapping[str, str], origin: str, base: Path | None) -> list[Problem]:
    return _entries(key, value)


def _groups(
    key: str, value: Mapping[str, Mapping[str, str]], origin: str, base: Path | None
) -> list[Problem]:
    problems = []
    for group, table in value.items():
        if group in ("console_scripts", "gui_scripts"):
            problems.append(
                _p(
                    key,
                    f"`{group}` is not allowed in entry-points",
                    "use the scripts / gui-scripts fields",
                    group,
                )
            )
        elif not re.fullmatch(r"\w+(?:\.\w+)*", group):
            problems.append(_p(key, f"{group!r} is not a valid group name", "e.g. pytest11", group))
        problems += _entries(key, table, f"{group}.")
    return problems


_CHECKS = {
    "name": _name,
    "version": _version,
    "description": _summary,
    "readme": _readme,
    "license": _license,
    "license-files": _globs,
    "authors": _contacts,
    "maintainers": _contacts,
    "keywords": _keywords,
    "classifiers": _classifiers,
    "urls": _urls,
    "requires-python": _requires_python,
    "dependencies": _dependencies,
    "optional-dependencies": _extras,
    "scripts": _scripts,
    "gui-scripts": _scripts,
    "entry-points": _groups,
}


def preflight(metadata_text: str) -> list[Problem]:
    """twine's pre-upload check: parse METADATA with packaging and validate every field."""
    try:
        Metadata.from_email(metadata_text, validate=True)
    except ExceptionGroup as group:
        return [_from_invalid(exc) for exc in group.exceptions]
    except InvalidMetadata as exc:
        return [_from_invalid(exc)]
    return []


def _from_invalid(exc: BaseException) -> Problem:
    raw = getattr(exc, "field", "")
    key = _RAW_TO_FIELD.get(str(raw).lower().replace("-", "_"), "name")
    return Problem(key, f"METADATA check failed: {exc}", "twine would reject this upload; fix it")
