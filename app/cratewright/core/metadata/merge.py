"""Core metadata (METADATA 2.4) for a wheel, merged from Cargo and pyproject.toml as maturin does.

The Cargo ``[package]`` (as ``cargo metadata`` reports it, so workspace inheritance is already
resolved) gives the starting point. When pyproject.toml has a ``[project]`` table, it wins:
every Cargo-derived field that ``project.dynamic`` does not list is cleared first, then the
``[project]`` values are applied. The text we render matches maturin 1.16 byte for byte,
including its field order, its canonical spelling of requirements and its sorted tables
(maturin reads pyproject tables into sorted maps, so urls, extras and entry points come out
sorted by key whatever order the file uses).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cratewright.core.metadata.core_metadata import CoreMetadata
from cratewright.core.metadata.names import normalize_extra_name, normalize_name_or_none
from cratewright.core.metadata.readme_license import (
    LICENSE_AUTO_PATTERNS,
    LicenseFile,
    check_pep639_glob,
    content_type_for,
    glob_files,
    read_text_file,
    relative_license_name,
    resolve_metadata_path,
)
from cratewright.core.metadata.requirements import (
    canonical_requirement,
    canonical_specifiers,
)
from cratewright.core.metadata.versions import (
    cargo_to_pep440,
    parse_pep440,
)
from cratewright.core.user_files import read_user_file
from cratewright.errors import MetadataError
from cratewright.events import EventSink, Message

__all__ = ["LicenseFile", "resolve_metadata"]

_README_GUESSES = ("README.md", "README.txt", "README.rst", "README")
_RFC822_SPECIALS = set('()<>@,;:\\".[]')


def resolve_metadata(
    package: Mapping[str, Any],
    pyproject: Mapping[str, Any] | None,
    *,
    project_dir: Path,
    workspace_root: Path,
    sink: EventSink,
) -> CoreMetadata:
    """Build the wheel metadata of a crate, merged with pyproject.toml's ``[project]``.

    Args:
        package: The root package object of ``cargo metadata --format-version 1``.
        pyproject: The parsed pyproject.toml, or None when the project has none.
        project_dir: The pyproject.toml directory (the crate directory without one).
        workspace_root: ``workspace_root`` from ``cargo metadata``; readme and license paths
            may climb out of ``project_dir`` with ``..`` but not out of this directory.
        sink: Receives maturin's "Including license file" and version warning messages.

    Raises:
        MetadataError: A field is invalid or a referenced file cannot be read.
    """
    meta = _from_cargo(package, workspace_root)
    project = pyproject.get("project") if pyproject else None
    if project is not None:
        if not isinstance(project, Mapping):
            raise MetadataError("`project` in pyproject.toml must be a table")
        _merge_project(meta, project, project_dir, workspace_root, sink)
    _validate_name(meta.name)
    _check_license_files(meta)
    return meta


# ---------------------------------------------------------------------------------------------
# Cargo


def _from_cargo(package: Mapping[str, Any], workspace_root: Path) -> CoreMetadata:
    manifest_dir = Path(str(package["manifest_path"])).parent
    meta = CoreMetadata(name=str(package["name"]), version=cargo_to_pep440(str(package["version"])))
    authors = ", ".join(package.get("authors") or [])
    if authors:
        meta.author = authors
        if "@" in authors:
            meta.author_email = authors
    description = package.get("description")
    if description is not None:
        meta.summary = description.strip()
    keywords = package.get("keywords") or []
    if keywords:
        meta.keywords = ",".join(keywords)
    meta.home_page = package.get("homepage")
    meta.license = package.get("license")
    for label, key in (
        ("Homepage", "homepage"),
        ("Documentation", "documentation"),
        ("Source Code", "repository"),
    ):
        if package.get(key) is not None:
            meta.project_urls[label] = package[key]

    readme = package.get("readme")
    if readme == "false":
        pass
    elif readme is not None:
        path = manifest_dir / readme
        meta.description = read_text_file(
            path, f"Failed to read Readme specified in Cargo.toml, which should be at {path}"
        )
        meta.description_content_type = content_type_for(path)
    else:
        # cargo itself infers README.md/README.txt/README; maturin adds README.rst
        for guess in _README_GUESSES:
            path = manifest_dir / guess
            if path.exists():
                meta.description = read_text_file(
                    path, f"Readme at {path} exists, but can't be read"
                )
                meta.description_content_type = content_type_for(path)
                break

    license_file = package.get("license_file")
    if license_file is not None:
        meta.license_files.append(_cargo_license_file(manifest_dir, license_file, workspace_root))
    return meta


def _cargo_license_file(manifest_dir: Path, license_file: str, workspace_root: Path) -> LicenseFile:
    candidate = manifest_dir / license_file
    try:
        source = candidate.resolve(strict=True)
        root = workspace_root.resolve(strict=True)
        manifest_real = manifest_dir.resolve(strict=True)
    except RuntimeError:  # pathlib's symlink loop on Python 3.11
        raise MetadataError(
            f"license file `{license_file}` specified in `{manifest_dir}` is a symbolic link loop"
        ) from None
    except (OSError, ValueError):
        raise MetadataError(
            f"license file `{license_file}` specified in `{manifest_dir}` is not a file"
        ) from None
    if not source.is_relative_to(root):
        raise MetadataError(
            f"license file `{license_file}` specified in `{manifest_dir}` resolves outside "
            f"Cargo workspace root `{root}`"
        )
    if not source.is_file():
        raise MetadataError(
            f"license file `{license_file}` specified in `{manifest_dir}` is not a file"
        )
    return LicenseFile(source, relative_license_name(manifest_real, source))


# ---------------------------------------------------------------------------------------------
# pyproject.toml [project]

_CLEARED_UNLESS_DYNAMIC: dict[str, tuple[str, ...]] = {
    "description": ("summary",),
    "authors": ("author", "author_email"),
    "maintainers": ("maintainer", "maintainer_email"),
    "keywords": ("keywords",),
    "license": ("license", "license_expression"),
    "readme": ("description", "description_content_type"),
    "requires-python": ("requires_python_text",),
}


def _merge_project(
    meta: CoreMetadata,
    project: Mapping[str, Any],
    project_dir: Path,
    workspace_root: Path,
    sink: EventSink,
) -> None:
    dynamic = set(_str_list(project, "dynamic"))
    if "name" in dynamic:
        raise MetadataError("`project.dynamic` must not specify `name` in pyproject.toml")
    for key, attrs in _CLEARED_UNLESS_DYNAMIC.items():
        if key not in dynamic:
            for attr in attrs:
                setattr(meta, attr, None)
    if "urls" not in dynamic:
        meta.project_urls = {}
    if "classifiers" not in dynamic:
        meta.classifiers = []

    name = project.get("name")
    if not isinstance(name, str):
        raise MetadataError("`project.name` must be a string in pyproject.toml")
    meta.name = name

    has_version = "version" in project
    if has_version and "version" in dynamic:
        sink(
            Message(
                "warning",
                "⚠️  Warning: `project.dynamic` must not specify `version` when "
                "`project.version` is present in pyproject.toml",
            )
        )
    elif not has_version and "version" not in dynamic:
        sink(
            Message(
                "warning",
                "⚠️  Warning: `project.version` field is required in pyproject.toml unless it "
                "is present in the `project.dynamic` list",
            )
        )
    if has_version:
        meta.version = parse_pep440(_string(project, "version"))

    root = workspace_root if _inside(project_dir, workspace_root) else project_dir
    _merge_readme(meta, project, project_dir, root)
    _merge_license(meta, project, project_dir, root, sink)
    for key, names_attr, emails_attr in (
        ("authors", "author", "author_email"),
        ("maintainers", "maintainer", "maintainer_email"),
    ):
        if key in project:
            names, emails = _split_contacts(project[key], key)
            if names is not None:
                setattr(meta, names_attr, names)
            if emails is not None:
                setattr(meta, emails_attr, emails)

    if "description" in project:
        meta.summary = _string(project, "description").strip()
    if "requires-python" in project:
        meta.requires_python_text = canonical_specifiers(_string(project, "requires-python"))
    if "keywords" in project:
        meta.keywords = ",".join(_str_list(project, "keywords"))
    if "classifiers" in project:
        meta.classifiers = _str_list(project, "classifiers")
    if "urls" in project:
        meta.project_urls = dict(sorted(_str_table(project["urls"], "project.urls").items()))
    if "dependencies" in project:
        meta.requires_dist = [canonical_requirement(d) for d in _str_list(project, "dependencies")]

    optional = project.get("optional-dependencies")
    if optional is not None:
        if not isinstance(optional, Mapping):
            raise MetadataError("`project.optional-dependencies` must be a table")
        for extra in sorted(optional):
            deps = optional[extra]
            if not isinstance(deps, list) or not all(isinstance(d, str) for d in deps):
                raise MetadataError(f"`project.optional-dependencies.{extra}` must be strings")
            meta.provides_extra.append(normalize_extra_name(extra))
            meta.requires_dist += [canonical_requirement(d, extra=extra) for d in deps]

    _merge_entry_points(meta, project)


def _merge_entry_points(meta: CoreMetadata, project: Mapping[str, Any]) -> None:
    if "scripts" in project:
        meta.scripts = dict(sorted(_str_table(project["scripts"], "project.scripts").items()))
    if "gui-scripts" in project:
        gui = _str_table(project["gui-scripts"], "project.gui-scripts")
        meta.gui_scripts = dict(sorted(gui.items()))
    groups = project.get("entry-points")
    if groups is None:
        return
    if not isinstance(groups, Mapping):
        raise MetadataError("`project.entry-points` must be a table")
    for reserved in ("console_scripts", "gui_scripts"):
        if reserved in groups:
            raise MetadataError(f"{reserved} is not allowed in project.entry-points table")
    meta.entry_points = {
        group: dict(sorted(_str_table(groups[group], f"project.entry-points.{group}").items()))
        for group in sorted(groups)
    }


def _merge_readme(
    meta: CoreMetadata, project: Mapping[str, Any], project_dir: Path, root: Path
) -> None:
    readme = project.get("readme")
    if readme is None:
        return
    if isinstance(readme, str):
        path = resolve_metadata_path(project_dir, root, "project.readme", readme)
        meta.description = read_text_file(
            path, f"Failed to read readme specified in pyproject.toml, which should be at {path}"
        )
        meta.description_content_type = content_type_for(path)
        return
    if not isinstance(readme, Mapping):
        raise MetadataError("`project.readme` must be a string or a table")
    if "file" in readme and "text" in readme:
        raise MetadataError(
            "file and text fields of 'project.readme' are mutually-exclusive, only one of them "
            "should be specified"
        )
    if "file" in readme:
        path = resolve_metadata_path(project_dir, root, "project.readme.file", str(readme["file"]))
        meta.description = read_text_file(
            path, f"Failed to read readme specified in pyproject.toml, which should be at {path}"
        )
    if "text" in readme:
        meta.description = str(readme["text"])
    content_type = readme.get("content-type")
    meta.description_content_type = str(content_type) if content_type is not None else None


def _merge_license(
    meta: CoreMetadata,
    project: Mapping[str, Any],
    project_dir: Path,
    root: Path,
    sink: EventSink,
) -> None:
    license_value = project.get("license")
    if isinstance(license_value, str):
        meta.license_expression = license_value
    elif isinstance(license_value, Mapping):
        if "file" in license_value:
            rel = str(license_value["file"])
            source = resolve_metadata_path(project_dir, root, "project.license.file", rel)
            if ".." in Path(rel).parts:
                archive = source.relative_to(root.resolve()).as_posix()
            else:
                archive = relative_license_name(project_dir, source)
            _add_license(meta, LicenseFile(source, archive), replace=True)
        elif "text" in license_value:
            meta.license = str(license_value["text"])
    elif license_value is not None:
        raise MetadataError("`project.license` must be a string or a table")

    if "license-files" in project:
        for pattern in _str_list(project, "license-files"):
            check_pep639_glob(pattern)
            for rel in glob_files(project_dir, pattern):
                _add_license(meta, LicenseFile(project_dir / rel, rel), replace=True)
        return
    for pattern in LICENSE_AUTO_PATTERNS:
        for rel in glob_files(project_dir, pattern):
            if _add_license(meta, LicenseFile(project_dir / rel, rel), replace=False):
                sink(Message("info", f"📦 Including license file `{rel}`"))


def _check_license_files(meta: CoreMetadata) -> None:
    """Every license file must be a readable regular file now, not when the wheel is written.

    A build compiles for minutes before the wheel writer copies these files; a missing one
    must stop it before cargo starts (and show in ``metadata show``).
    """
    for entry in meta.license_files:
        read_user_file(entry.source, "the license file", error=MetadataError)


def _add_license(meta: CoreMetadata, entry: LicenseFile, *, replace: bool) -> bool:
    """Add a license file unless one with that archive name exists; True when added."""
    for index, existing in enumerate(meta.license_files):
        if existing.archive_name == entry.archive_name:
            if replace:
                meta.license_files[index] = entry
            return False
    meta.license_files.append(entry)
    return True


def _split_contacts(value: Any, key: str) -> tuple[str | None, str | None]:
    """Split PEP 621 contacts into the name-only list and the ``Name <email>`` list."""
    if not isinstance(value, list):
        raise MetadataError(f"`project.{key}` must be an array of tables")
    names: list[str] = []
    emails: list[str] = []
    for contact in value:
        if not isinstance(contact, Mapping):
            raise MetadataError(f"`project.{key}` entries must be tables")
        name, email = contact.get("name"), contact.get("email")
        if name is not None and email is not None:
            emails.append(_address(str(name), str(email)))
        elif name is not None:
            names.append(str(name))
        elif email is not None:
            emails.append(str(email))
    return (", ".join(names) or None, ", ".join(emails) or None)


def _address(name: str, email: str) -> str:
    """``Name <email>``, quoting the display name when it has RFC 822 specials."""
    if any(ch in _RFC822_SPECIALS for ch in name):
        quoted = name.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{quoted}" <{email}>'
    return f"{name} <{email}>"


# ---------------------------------------------------------------------------------------------
# Small validators


def _validate_name(name: str) -> None:
    """Reject names that are not valid distribution names (maturin itself does not check)."""
    # packaging's canonicalize_name(validate=True) checks the same pattern, but importing
    # packaging.utils imports packaging.tags (platform probing) on every project load
    if normalize_name_or_none(name) is None:
        raise MetadataError(
            f"Invalid distribution name {name!r}: names may only contain ASCII letters, "
            "digits, '-', '_' and '.', and must start and end with a letter or digit"
        )


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError, ValueError):
        return False


def _string(project: Mapping[str, Any], key: str) -> str:
    value = project[key]
    if not isinstance(value, str):
        raise MetadataError(f"`project.{key}` must be a string in pyproject.toml")
    return value


def _str_list(project: Mapping[str, Any], key: str) -> list[str]:
    value = project.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise MetadataError(f"`project.{key}` must be an array of strings in pyproject.toml")
    return list(value)


def _str_table(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
        raise MetadataError(f"`{where}` must be a table of strings in pyproject.toml")
    return {str(k): v for k, v in value.items()}
