"""The metadata fields a user edits, where each value comes from, and what it overrides.

maturin merges two files: Cargo.toml ``[package]`` (whose keys may be inherited from the
workspace root with ``x.workspace = true``) and pyproject.toml ``[project]``. Users keep asking
"which one wins?", so every field here carries its :class:`Provenance`: the file and key the
value comes from, whether ``project.dynamic`` let a Cargo value through, which other values it
hides, and the :class:`Location` an edit of this field has to go to.

The METADATA text itself still comes from :func:`cratewright.core.metadata.merge.resolve_metadata`
(one implementation for the engine and for this view). We feed it a package mapping built from
the raw TOML (:func:`cargo_package`) in the shape ``cargo metadata`` reports, so the view can be
recomputed from unsaved edits without running cargo.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cratewright.core.metadata.core_metadata import CoreMetadata
from cratewright.core.metadata.field_specs import CARGO_URL_KEYS, FIELDS, FieldSpec
from cratewright.core.metadata.field_view import (
    FieldView,
    Location,
    Manifests,
    MetadataView,
    Overridden,
    Provenance,
)
from cratewright.core.metadata.merge import resolve_metadata
from cratewright.core.metadata.validate import Problem, preflight, validate_field
from cratewright.core.project.toml_files import parse_toml_text
from cratewright.errors import MetadataError
from cratewright.events import EventSink, Message, null_sink

__all__ = ["build_view", "cargo_package", "parse_toml_text"]

_CARGO_README_DEFAULTS = ("README.md", "README.txt", "README")
_MATURIN_README_GUESSES = ("README.md", "README.txt", "README.rst", "README")
# ---------------------------------------------------------------------------------------------
# Reading


def _inherits(value: Any) -> bool:
    return isinstance(value, Mapping) and value.get("workspace") is True


def _cargo_value(m: Manifests, key: str) -> tuple[Any, Provenance | None]:
    """A [package] key, following ``key.workspace = true`` to the workspace root."""
    package = m.package
    if key not in package:
        return None, None
    value = package[key]
    own = Location(m.cargo_path, ("package", key))
    if _inherits(value):
        if m.workspace_path is None:
            raise MetadataError(
                f"`{key}.workspace = true` in {m.cargo_path}, but no workspace root with "
                "[workspace] was found above it"
            )
        source = Location(m.workspace_path, ("workspace", "package", key))
        if key not in m.workspace_package:
            raise MetadataError(
                f"error inheriting `{key}` from workspace root manifest's "
                f"`workspace.package.{key}`: it is not set in {m.workspace_path}"
            )
        return m.workspace_package[key], Provenance("workspace", source, inherited_via=own)
    return value, Provenance("cargo", own)


def _rebase(m: Manifests, provenance: Provenance, value: str) -> str:
    """Inherited paths are relative to the workspace root; cargo rewrites them for the member."""
    if provenance.origin != "workspace":
        return value
    target = os.path.normpath(m.workspace_root / value)
    return os.path.relpath(target, m.cargo_path.parent)


def cargo_package(m: Manifests) -> dict[str, Any]:
    """The metadata keys of the root package as ``cargo metadata`` would report them.

    Only what :func:`resolve_metadata` reads: inheritance resolved, inherited paths rebased
    onto the member, ``readme`` defaulted to README.md/README.txt/README like cargo does.
    """
    out: dict[str, Any] = {"manifest_path": str(m.cargo_path)}
    for key in ("name", "version", "description", "homepage", "documentation", "repository"):
        value, _ = _cargo_value(m, key)
        out[key] = None if value is None else str(value)
    if out["name"] is None or out["version"] is None:
        missing = "name" if out["name"] is None else "version"
        raise MetadataError(f"{m.cargo_path}: [package] has no `{missing}`")
    license_value, _ = _cargo_value(m, "license")
    out["license"] = None if license_value is None else str(license_value)
    for key in ("authors", "keywords"):
        value, _ = _cargo_value(m, key)
        if value is not None and not (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        ):
            raise MetadataError(f"{m.cargo_path}: `package.{key}` must be an array of strings")
        out[key] = list(value or [])
    license_file, prov = _cargo_value(m, "license-file")
    out["license_file"] = (
        None if license_file is None or prov is None else _rebase(m, prov, str(license_file))
    )
    out["readme"] = _cargo_readme(m)
    return out


def _cargo_readme(m: Manifests) -> str | None:
    readme, prov = _cargo_value(m, "readme")
    if readme is False:
        return None
    if readme is True:
        readme = "README.md"
    if readme is not None and prov is not None:
        return _rebase(m, prov, str(readme))
    for name in _CARGO_README_DEFAULTS:
        if (m.cargo_path.parent / name).is_file():
            return name
    return None


# ---------------------------------------------------------------------------------------------
# Values in the one shape the editors use


def _contacts_from_cargo(authors: list[str]) -> list[dict[str, str]]:
    out = []
    for text in authors:
        match = re.fullmatch(r"\s*(.*?)\s*<([^<>]*)>\s*", text)
        if match:
            contact = {"name": match[1], "email": match[2]} if match[1] else {"email": match[2]}
        elif "@" in text and " " not in text.strip():
            contact = {"email": text.strip()}
        else:
            contact = {"name": text}
        out.append(contact)
    return out


def _contacts_from_project(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list):
        return []
    return [
        {k: str(v) for k, v in c.items() if k in ("name", "email")}
        for c in value
        if isinstance(c, Mapping)
    ]


def _project_value(spec: FieldSpec, raw: Any) -> Any:
    """[project] data in the editor shape (wrong types become empty; validation reports)."""
    kind = spec.kind
    if kind in ("text", "version"):
        return raw if isinstance(raw, str) else None
    if kind == "readme":
        if isinstance(raw, Mapping):
            file = raw.get("file")
            return file if isinstance(file, str) else None
        return raw if isinstance(raw, str) else None
    if kind == "license":
        return raw if isinstance(raw, str) else None
    if kind == "list":
        return [str(v) for v in raw] if isinstance(raw, list) else []
    if kind == "contacts":
        return _contacts_from_project(raw)
    if kind == "table":
        return {str(k): str(v) for k, v in raw.items()} if isinstance(raw, Mapping) else {}
    if kind == "extras":
        if not isinstance(raw, Mapping):
            return {}
        return {str(k): [str(d) for d in v] if isinstance(v, list) else [] for k, v in raw.items()}
    if kind == "groups":
        if not isinstance(raw, Mapping):
            return {}
        return {
            str(g): {str(k): str(v) for k, v in t.items()} if isinstance(t, Mapping) else {}
            for g, t in raw.items()
        }
    raise AssertionError(kind)


def _empty(spec: FieldSpec) -> Any:
    if spec.kind in ("list", "contacts"):
        return []
    if spec.kind in ("table", "extras", "groups"):
        return {}
    return None


def _is_empty(value: Any) -> bool:
    return value is None or value == [] or value == {}


# ---------------------------------------------------------------------------------------------
# Provenance per field


def _cargo_field(m: Manifests, spec: FieldSpec) -> tuple[Any, Provenance | None, Location]:
    """The Cargo value of a field in editor shape, its provenance and the key an edit goes to."""
    assert spec.cargo_key is not None
    if spec.key == "urls":
        urls: dict[str, str] = {}
        first: Provenance | None = None
        for label, key in CARGO_URL_KEYS:
            value, prov = _cargo_value(m, key)
            if value is not None and prov is not None:
                urls[label] = str(value)
                first = first or prov
        return urls, first, Location(m.cargo_path, ("package",))
    value, prov = _cargo_value(m, spec.cargo_key)
    target = (
        prov.source if prov and prov.source else Location(m.cargo_path, ("package", spec.cargo_key))
    )
    if prov is None:
        return _empty(spec), None, target
    if spec.kind == "contacts":
        return _contacts_from_cargo([str(v) for v in value or []]), prov, target
    if spec.kind == "list":
        return [str(v) for v in value or []], prov, target
    if spec.kind == "readme":
        if value is False:
            return None, prov, target
        return ("README.md" if value is True else str(value)), prov, target
    return str(value), prov, target


def _readme_default(m: Manifests) -> tuple[str | None, str]:
    """The README maturin picks when nobody names one (cargo's defaults plus README.rst)."""
    readme, _ = _cargo_value(m, "readme")
    if readme is False:
        return None, "readme = false in Cargo.toml"
    for name in _MATURIN_README_GUESSES:
        if (m.cargo_path.parent / name).is_file():
            return name, f"{name} found next to Cargo.toml"
    return None, ""


def _field_without_project(m: Manifests, spec: FieldSpec) -> FieldView:
    if spec.cargo_key is None:
        why = (
            "needs a [project] table in pyproject.toml"
            if m.pyproject_path is not None
            else "needs a pyproject.toml with a [project] table"
        )
        return FieldView(spec, _empty(spec), Provenance("unset", note=why), None, locked=why)
    value, prov, target = _cargo_field(m, spec)
    if prov is not None and not _is_empty(value):
        return FieldView(spec, value, prov, target)
    if spec.key == "readme":
        guess, note = _readme_default(m)
        if guess is not None:
            return FieldView(spec, guess, Provenance("default", note=note), target)
    return FieldView(spec, value, Provenance("unset"), target)


def _field_with_project(m: Manifests, spec: FieldSpec, project: Mapping[str, Any]) -> FieldView:
    assert m.pyproject_path is not None
    here = Location(m.pyproject_path, ("project", spec.key))
    dynamic = spec.key in m.dynamic
    cargo_value, cargo_prov, cargo_target = (
        _cargo_field(m, spec) if spec.cargo_key else (_empty(spec), None, None)
    )
    has_cargo = cargo_prov is not None and not _is_empty(cargo_value)
    cargo_at = (cargo_prov.source if cargo_prov else None) or cargo_target

    if spec.key in project:
        overrides: tuple[Overridden, ...] = ()
        if has_cargo and cargo_at is not None and spec.key != "name":
            reason = (
                "[project] takes precedence over the dynamic Cargo value"
                if dynamic
                else f"not used: [project] sets `{spec.key}`"
            )
            overrides = (Overridden(cargo_at, cargo_value, reason),)
        note = ""
        if spec.key == "version" and dynamic:
            note = "`version` is also listed in project.dynamic (maturin warns)"
        value = _project_value(spec, project[spec.key])
        prov = Provenance("project", here, overrides=overrides, note=note)
        return FieldView(spec, value, prov, here)

    if spec.cargo_key is not None and (dynamic or spec.key == "version"):
        assert cargo_target is not None
        if has_cargo and cargo_prov is not None:
            note = (
                ""
                if dynamic or spec.key != "version"
                else 'add "version" to project.dynamic (maturin warns when it is missing)'
            )
            prov = Provenance(
                cargo_prov.origin,
                cargo_prov.source,
                dynamic=dynamic,
                inherited_via=cargo_prov.inherited_via,
                note=note,
            )
            return FieldView(spec, cargo_value, prov, cargo_target)
        if spec.key == "readme":
            guess, note = _readme_default(m)
            if guess is not None:
                return FieldView(
                    spec, guess, Provenance("default", dynamic=True, note=note), cargo_target
                )
        return FieldView(spec, cargo_value, Provenance("unset", dynamic=True), cargo_target)

    overrides = ()
    if has_cargo and cargo_at is not None:
        reason = f"not used: `{spec.key}` is not listed in project.dynamic"
        overrides = (Overridden(cargo_at, cargo_value, reason),)
    if spec.key == "license-files":
        note = "maturin includes LICEN[CS]E*, COPYING*, NOTICE* and AUTHORS* files"
        return FieldView(spec, [], Provenance("default", note=note), here)
    return FieldView(spec, _empty(spec), Provenance("unset", overrides=overrides), here)


def _fields(m: Manifests) -> dict[str, FieldView]:
    project = m.project
    out: dict[str, FieldView] = {}
    for spec in FIELDS:
        if project is None:
            out[spec.key] = _field_without_project(m, spec)
        else:
            out[spec.key] = _field_with_project(m, spec, project)
    return out


# ---------------------------------------------------------------------------------------------
# The whole view


def _field_of_error(message: str) -> str:
    """Guess which field a MetadataError from the merge is about."""
    for spec in sorted(FIELDS, key=lambda s: -len(s.key)):
        if f"project.{spec.key}" in message or f"package.{spec.cargo_key}" in message:
            return spec.key
    lowered = message.lower()
    for word, key in (
        ("dependency", "dependencies"),
        ("extra", "optional-dependencies"),
        ("readme", "readme"),
        ("license", "license"),
        ("version", "version"),
        ("name", "name"),
    ):
        if word in lowered:
            return key
    return "name"


def build_view(m: Manifests, *, sink: EventSink = null_sink) -> MetadataView:
    """Resolve every field of ``m`` with provenance, validate it and render METADATA.

    Problems (invalid values, files that cannot be read, what twine's pre-flight would
    reject) are collected rather than raised, so a form can show them all in place.
    """
    fields = _fields(m)
    problems: list[Problem] = []
    for view in fields.values():
        problems += validate_field(
            view.key, view.value, origin=view.provenance.origin, base_dir=_base_dir(m, view)
        )
    problems += _cross_checks(fields)
    messages: list[str] = []

    def collect(event: Any) -> None:
        if isinstance(event, Message):
            messages.append(event.text)
        sink(event)

    core: CoreMetadata | None = None
    try:
        core = resolve_metadata(
            cargo_package(m),
            m.pyproject,
            project_dir=m.project_dir,
            workspace_root=m.workspace_root,
            sink=collect,
        )
    except MetadataError as exc:
        # usually a consequence of a value already reported above; report it only if not
        if not any(p.severity == "error" for p in problems):
            key = _field_of_error(exc.message)
            problems.append(Problem(key, exc.message, exc.hint or "fix the value in the file"))
    if core is not None:
        flagged = {p.field for p in problems if p.severity == "error"}
        problems += [p for p in preflight(core.render()) if p.field not in flagged]
    return MetadataView(m, fields, problems, core, messages)


def _base_dir(m: Manifests, view: FieldView) -> Path:
    """The directory a path value of this field is relative to."""
    if view.provenance.origin == "workspace":
        return m.workspace_root
    if view.provenance.origin == "cargo":
        return m.cargo_path.parent
    return m.project_dir


def _cross_checks(fields: Mapping[str, FieldView]) -> list[Problem]:
    """Rules that involve two fields (PEP 639: no License classifiers with an expression)."""
    problems = []
    license_view = fields["license"]
    expression = license_view.value if license_view.provenance.origin == "project" else None
    if expression:
        for classifier in fields["classifiers"].value:
            if classifier.startswith("License ::"):
                problems.append(
                    Problem(
                        "classifiers",
                        f"`{classifier}` must not be used together with a license expression",
                        "remove the License :: classifier; `license` already says it (PEP 639)",
                        item=classifier,
                    )
                )
    return problems
