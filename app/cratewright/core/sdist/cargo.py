"""The Rust half of an sdist: path dependencies, cargo's file lists, rewritten Cargo.toml files.

An sdist must build on a machine that has only the archive, so every crate reached through a
``path = ...`` dependency travels with it, each with exactly the files ``cargo package
--list`` names. The sdist keeps the directory layout, so relative ``path`` keys stay valid;
what has to change is the workspace manifest (only the members that travel), and, for a path
dependency whose own workspace manifest stays behind, every ``field.workspace = true``, which
is replaced by the value cargo resolved. Edits go through tomlkit so that untouched manifests
keep their bytes, comments and order.
"""

from __future__ import annotations

import fnmatch
import json
import os.path
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import AoT, InlineTable
from tomlkit.toml_document import TOMLDocument

from cratewright.core.cargo.metadata import CargoMetadata
from cratewright.core.cargo.runner import run_cargo_capture
from cratewright.core.project.toml_tables import TableLike, is_inline_or_table, is_table
from cratewright.errors import SdistError
from cratewright.events import EventSink, null_sink

__all__ = [
    "PathDependency",
    "cargo_package_list",
    "find_path_deps",
    "inline_workspace_inheritance",
    "keep_dir_of",
    "member_dirs",
    "parse_manifest",
    "set_package_field",
    "strip_missing_targets",
    "strip_non_workspace_tables",
    "trim_workspace_members",
]

_DEP_TABLES = ("dependencies", "dev-dependencies", "build-dependencies")
_KIND_OF_TABLE = {"dependencies": None, "dev-dependencies": "dev", "build-dependencies": "build"}


@dataclass(frozen=True)
class PathDependency:
    """A crate reached through ``path = ...``, directly or transitively."""

    name: str
    manifest_path: Path
    workspace_root: Path
    package: Mapping[str, Any]

    @property
    def crate_dir(self) -> Path:
        """The directory of the dependency's Cargo.toml."""
        return self.manifest_path.parent


def _declared_path_dep(
    package: Mapping[str, Any], dep_pkg: Mapping[str, Any], node_dep: Mapping[str, Any]
) -> Mapping[str, Any] | None:
    kinds = [(k.get("kind"), k.get("target")) for k in node_dep.get("dep_kinds", [])]
    candidates = [
        d
        for d in package.get("dependencies", [])
        if d.get("path")
        and d.get("name") == dep_pkg["name"]
        and (not kinds or (d.get("kind"), d.get("target")) in kinds)
    ]
    for dependency in candidates:
        if (dependency.get("rename") or dependency["name"]).replace("-", "_") == node_dep.get(
            "name"
        ):
            return dependency
    return candidates[-1] if candidates else None


def _workspace_root_of(manifest: Path, sink: EventSink) -> Path:
    args = ["metadata", "--format-version", "1", "--no-deps", "--manifest-path", str(manifest)]
    output = run_cargo_capture(args, cwd=manifest.parent, sink=sink)
    try:
        return Path(json.loads(output)["workspace_root"])
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise SdistError(f"cargo metadata for {manifest} gave no workspace root: {exc}") from None


def find_path_deps(cargo: CargoMetadata, *, sink: EventSink = null_sink) -> list[PathDependency]:
    """Every path dependency of the root package (normal, dev and build, transitively).

    The resolve graph says which packages are really used; the declared dependency says
    whether it came through ``path``. Crates outside the root's workspace get their own
    workspace root from cargo, because their ``workspace = true`` fields may need inlining.
    """
    packages = {p["id"]: p for p in cargo.raw["packages"]}
    nodes = {n["id"]: n for n in (cargo.raw.get("resolve") or {}).get("nodes", [])}
    if not nodes:
        raise SdistError("cargo metadata has no dependency graph (resolve) for the sdist")
    found: dict[str, PathDependency] = {}
    stack = [cargo.root_id]
    while stack:
        current = packages[stack.pop()]
        for node_dep in nodes.get(current["id"], {}).get("deps", []):
            dep_pkg = packages.get(node_dep["pkg"])
            if dep_pkg is None or node_dep["pkg"] in found:
                continue
            declared = _declared_path_dep(current, dep_pkg, node_dep)
            if declared is None:
                continue
            manifest = Path(declared["path"]) / "Cargo.toml"
            if manifest.is_relative_to(cargo.workspace_root):
                workspace_root = cargo.workspace_root
            else:
                workspace_root = _workspace_root_of(manifest, sink)
            found[node_dep["pkg"]] = PathDependency(
                name=declared.get("rename") or declared["name"],
                manifest_path=manifest,
                workspace_root=workspace_root,
                package=dep_pkg,
            )
            stack.append(node_dep["pkg"])
    return sorted(found.values(), key=lambda d: str(d.manifest_path))


def cargo_package_list(manifest: Path, target_dir: Path, *, sink: EventSink) -> list[str]:
    """``cargo package --list --allow-dirty``: the files cargo itself would publish."""
    args = [
        "package", "--list", "--allow-dirty", "--manifest-path", str(manifest),
        "--target-dir", str(target_dir),
    ]  # fmt: skip
    output = run_cargo_capture(args, cwd=manifest.parent, sink=sink)
    return [line for line in output.splitlines() if line.strip()]


def parse_manifest(path: Path) -> TOMLDocument:
    """A Cargo.toml or pyproject.toml as an editable tomlkit document."""
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SdistError(f"Cannot read {path}: {exc.strerror or exc}") from None
    except (TOMLKitError, UnicodeDecodeError) as exc:
        raise SdistError(f"Failed to parse {path}: {exc}") from None


def _is_glob(pattern: str) -> bool:
    return any(ch in pattern for ch in "*?[]")


def trim_workspace_members(doc: TOMLDocument, keep_dirs: set[str]) -> None:
    """Keep only the ``workspace.members`` whose directory travels with the sdist.

    ``keep_dirs`` are member directories relative to the workspace root ("." for the root).
    ``default-members`` goes entirely: cargo then builds every remaining member, which is
    what an sdist wants, and stale entries would break the build.
    """
    workspace = doc.get("workspace")
    if not is_table(workspace):
        return
    members = workspace.get("members")
    if isinstance(members, list):
        kept = [
            m
            for m in members
            if isinstance(m, str)
            and (
                any(fnmatch.fnmatchcase(d, m) for d in keep_dirs) if _is_glob(m) else m in keep_dirs
            )
        ]
        if not keep_dirs:
            del workspace["members"]
        elif kept != list(members):
            if kept:
                workspace["members"] = kept
            else:
                del workspace["members"]
    if "default-members" in workspace:
        del workspace["default-members"]
    if not keep_dirs and len(workspace) == 0:
        del doc["workspace"]


def strip_non_workspace_tables(doc: TOMLDocument) -> None:
    """Turn a root manifest into a virtual workspace (its own package does not travel)."""
    for key in [k for k in doc if k not in ("workspace", "profile", "patch", "replace")]:
        del doc[key]


def set_package_field(doc: TOMLDocument, field: str, value: str, manifest: Path) -> None:
    """Point ``package.<field>`` (readme, license-file) at the copy next to the manifest."""
    package = doc.get("package")
    if not is_table(package):
        raise SdistError(f"Missing [package] table in {manifest} with {field}")
    if package.get(field) != value:
        package[field] = value


def _inherits(table: Mapping[str, Any], key: str) -> bool:
    value = table.get(key)
    return isinstance(value, Mapping) and value.get("workspace") is True


def _resolved_dep(dep: Mapping[str, Any], manifest_dir: Path) -> Any:
    """A ``[dependencies]`` value equivalent to what cargo resolved for ``dep``."""
    table = tomlkit.inline_table()
    source = dep.get("source") or ""
    if dep.get("path"):
        relative = Path(_relpath(Path(dep["path"]), manifest_dir))
        table["path"] = relative.as_posix()
        if dep.get("req", "*") != "*":
            table["version"] = dep["req"]
    elif source.startswith("git+"):
        url, _, rev = source[4:].partition("#")
        base, _, query = url.partition("?")
        table["git"] = base
        params = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
        for key in ("branch", "tag", "rev"):
            if key in params:
                table[key] = params[key]
        if not params and rev:
            table["rev"] = rev
        if dep.get("req", "*") != "*":
            table["version"] = dep["req"]
    else:
        simple = not (dep.get("optional") or dep.get("features") or dep.get("rename"))
        if simple and dep.get("uses_default_features", True) and not dep.get("registry"):
            return dep.get("req", "*")
        table["version"] = dep.get("req", "*")
    if not dep.get("uses_default_features", True):
        table["default-features"] = False
    if dep.get("optional"):
        table["optional"] = True
    if dep.get("features"):
        table["features"] = list(dep["features"])
    if dep.get("rename"):
        table["package"] = dep["name"]
    return table


def _relpath(target: Path, start: Path) -> str:
    return os.path.relpath(target, start)


def _resolve_dep_table(
    deps: TableLike | InlineTable,
    package: Mapping[str, Any],
    kind: str | None,
    target: str | None,
) -> None:
    manifest_dir = Path(package["manifest_path"]).parent
    for name in list(deps.keys()):
        if not _inherits(deps, name):
            continue
        for dep in package.get("dependencies", []):
            if (dep.get("rename") or dep["name"]) != name or dep.get("kind") != kind:
                continue
            if dep.get("target") != target:
                continue
            deps[name] = _resolved_dep(dep, manifest_dir)
            break


def inline_workspace_inheritance(
    doc: TOMLDocument, package: Mapping[str, Any], workspace_manifest: Path
) -> None:
    """Replace every ``x.workspace = true`` by the value cargo resolved for ``package``.

    Needed when a path dependency's workspace manifest is outside the sdist: without the
    workspace manifest, cargo could not resolve the inherited fields when building.
    """
    workspace_doc = parse_manifest(workspace_manifest).get("workspace", {})
    ws_package = workspace_doc.get("package", {}) if isinstance(workspace_doc, Mapping) else {}
    table = doc.get("package")
    if is_table(table):
        _inline_package_fields(table, package, ws_package, workspace_manifest)
    for key in _DEP_TABLES:
        deps = doc.get(key)
        if is_table(deps):
            _resolve_dep_table(deps, package, _KIND_OF_TABLE[key], None)
    targets = doc.get("target")
    if is_table(targets):
        for cfg, section in targets.items():
            for key in _DEP_TABLES:
                deps = section.get(key) if isinstance(section, Mapping) else None
                if is_inline_or_table(deps):
                    _resolve_dep_table(deps, package, _KIND_OF_TABLE[key], cfg)
    lints = doc.get("lints")
    if isinstance(lints, Mapping) and lints.get("workspace") is True:
        ws_lints = workspace_doc.get("lints") if isinstance(workspace_doc, Mapping) else None
        if ws_lints is None:
            raise SdistError(
                f"Failed to resolve workspace-inherited `lints` from {workspace_manifest}"
            )
        doc["lints"] = ws_lints


def _inline_package_fields(
    table: TableLike, package: Mapping[str, Any], ws_package: Mapping[str, Any], manifest: Path
) -> None:
    scalars = {
        "version": package.get("version"),
        "edition": package.get("edition"),
        "description": package.get("description"),
        "license": package.get("license"),
        "repository": package.get("repository"),
        "homepage": package.get("homepage"),
        "documentation": package.get("documentation"),
        "rust-version": package.get("rust_version"),
    }
    for key, value in scalars.items():
        if _inherits(table, key):
            if value is None:
                del table[key]
            else:
                table[key] = str(value)
    for key in ("authors", "keywords", "categories"):
        if _inherits(table, key):
            values = list(package.get(key) or [])
            if values:
                table[key] = values
            else:
                del table[key]
    if _inherits(table, "publish"):
        registries = package.get("publish")
        if registries is None:
            del table["publish"]
        else:
            table["publish"] = list(registries) if registries else False
    for key in ("include", "exclude"):
        if _inherits(table, key):
            if key not in ws_package:
                raise SdistError(
                    f"Failed to resolve workspace-inherited `package.{key}` from {manifest}"
                )
            table[key] = ws_package[key]
    for key in ("readme", "license-file"):
        if _inherits(table, key):
            del table[key]


def _normal(path: str | Path, manifest_dir: Path) -> str:
    candidate = Path(path)
    if candidate.is_absolute() and candidate.is_relative_to(manifest_dir):
        candidate = candidate.relative_to(manifest_dir)
    parts: list[str] = []
    for part in PurePosixPath(candidate.as_posix()).parts:
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            else:
                parts.append(part)
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def strip_missing_targets(
    doc: TOMLDocument,
    package: Mapping[str, Any],
    packaged: set[str],
) -> None:
    """Remove ``[lib]``/``[[bin]]``/... tables whose source file is not in the sdist.

    cargo refuses a manifest whose explicit target points at a missing file, so a target
    dropped by ``package.exclude`` or an sdist exclude must go from the manifest too.
    """
    manifest_dir = Path(package["manifest_path"]).parent
    kinds = {
        "lib": {"lib", "rlib", "dylib", "cdylib", "staticlib", "proc-macro"},
        "bin": {"bin"},
        "example": {"example"},
        "test": {"test"},
        "bench": {"bench"},
    }

    def missing(kind: str, spec: Mapping[str, Any]) -> bool:
        name, path = spec.get("name"), spec.get("path")
        for target in package.get("targets", []):
            if not kinds[kind] & set(target.get("kind", ())):
                continue
            src = _normal(target["src_path"], manifest_dir)
            if path is not None and src != _normal(str(path), manifest_dir):
                continue
            if kind != "lib" and target["name"] != name:
                continue
            if kind == "lib" and name is not None and target["name"] != name:
                continue
            return src not in packaged
        return False

    lib = doc.get("lib")
    if is_table(lib) and missing("lib", lib):
        del doc["lib"]
    for key in ("bin", "example", "test", "bench"):
        tables = doc.get(key)
        if isinstance(tables, AoT):
            kept = [t for t in tables if not missing(key, t)]
            if len(kept) != len(tables):
                if kept:
                    doc[key] = AoT(kept)
                else:
                    del doc[key]


def keep_dir_of(manifest: Path, workspace_root: Path) -> str:
    """A member directory relative to its workspace root ("." for the root itself)."""
    relative = manifest.parent.relative_to(workspace_root).as_posix()
    return relative or "."


def member_dirs(deps: Sequence[PathDependency]) -> set[str]:
    """Workspace-relative directories of the path dependencies, for member trimming."""
    return {
        keep_dir_of(d.manifest_path, d.workspace_root)
        for d in deps
        if d.manifest_path.is_relative_to(d.workspace_root)
    }
