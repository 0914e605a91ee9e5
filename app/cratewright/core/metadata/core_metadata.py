"""A wheel's core metadata as plain data, and its METADATA 2.4 / entry_points.txt text.

Rendering only, in maturin 1.16's field order and spelling; which values go in is decided by
``merge.resolve_metadata``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from packaging.specifiers import SpecifierSet
from packaging.version import Version

from cratewright.core.metadata.readme_license import (
    LicenseFile,
    fold_header,
)
from cratewright.core.metadata.versions import (
    dist_info_dir_name,
    escape_dist_name,
    escape_version,
)

__all__ = ["CoreMetadata"]


@dataclass
class CoreMetadata:
    """Resolved package metadata; :meth:`render` gives the METADATA file text."""

    name: str
    version: Version
    summary: str | None = None
    description: str | None = None
    description_content_type: str | None = None
    keywords: str | None = None
    home_page: str | None = None
    download_url: str | None = None
    author: str | None = None
    author_email: str | None = None
    maintainer: str | None = None
    maintainer_email: str | None = None
    license: str | None = None
    license_expression: str | None = None
    license_files: list[LicenseFile] = field(default_factory=list)
    classifiers: list[str] = field(default_factory=list)
    requires_dist: list[str] = field(default_factory=list)
    provides_extra: list[str] = field(default_factory=list)
    requires_python_text: str | None = None
    project_urls: dict[str, str] = field(default_factory=dict)
    scripts: dict[str, str] = field(default_factory=dict)
    gui_scripts: dict[str, str] = field(default_factory=dict)
    entry_points: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def dist_name(self) -> str:
        """The distribution name escaped for wheel file and dist-info names."""
        return escape_dist_name(self.name)

    @property
    def escaped_version(self) -> str:
        """The version as it appears in wheel file and dist-info names."""
        return escape_version(self.version)

    @property
    def dist_info(self) -> str:
        """The ``<name>-<version>.dist-info`` folder of a wheel or an install."""
        return dist_info_dir_name(self.name, self.version)

    @property
    def requires_python(self) -> SpecifierSet | None:
        """``Requires-Python`` as a specifier set, for filtering interpreters."""
        return SpecifierSet(self.requires_python_text) if self.requires_python_text else None

    def fields(self) -> list[tuple[str, str]]:
        """Header fields in maturin's order (without the description body)."""
        out: list[tuple[str, str]] = [
            ("Metadata-Version", "2.4"),
            ("Name", self.name),
            ("Version", str(self.version)),
        ]
        out += [("Classifier", c) for c in self.classifiers]
        out += [("Requires-Dist", r) for r in self.requires_dist]
        out += [("Provides-Extra", e) for e in self.provides_extra]
        out += [("License-File", f.archive_name) for f in self.license_files]
        optional = [
            ("Summary", self.summary),
            ("Keywords", self.keywords),
            ("Home-Page", self.home_page),
            ("Download-URL", self.download_url),
            ("Author", self.author),
            ("Author-email", self.author_email),
            ("Maintainer", self.maintainer),
            ("Maintainer-email", self.maintainer_email),
            ("License-Expression", self.license_expression),
            ("License", fold_header(self.license) if self.license is not None else None),
            ("Requires-Python", self.requires_python_text),
            ("Description-Content-Type", self.description_content_type),
        ]
        out += [(k, v) for k, v in optional if v is not None]
        out += [("Project-URL", f"{label}, {url}") for label, url in self.project_urls.items()]
        return out

    def render(self) -> str:
        """The METADATA file: ``Key: value`` lines, then a blank line and the description."""
        text = "".join(f"{key}: {value}\n" for key, value in self.fields())
        if self.description is not None:
            text += f"\n{self.description}\n"
        return text

    def entry_points_txt(self) -> str | None:
        """entry_points.txt text (console, gui, then other groups), or None when empty."""
        groups: list[tuple[str, dict[str, str]]] = []
        if self.scripts:
            groups.append(("console_scripts", self.scripts))
        if self.gui_scripts:
            groups.append(("gui_scripts", self.gui_scripts))
        groups += list(self.entry_points.items())
        if not groups:
            return None
        return "".join(
            f"[{group}]\n" + "".join(f"{k}={v}\n" for k, v in entries.items())
            for group, entries in groups
        )
