"""``cargo metadata`` as typed lookups: the dependency graph and targets of the crate we build.

We ask cargo rather than parse Cargo.toml ourselves because only cargo knows the resolved
graph, unified features, workspace inheritance and target auto-discovery.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from cratewright.core.cargo.prefetch import metadata_args, take_prefetched
from cratewright.core.cargo.tree import BINDINGS_CRATES, ScopedFeatures, scoped_features
from cratewright.errors import CargoError

__all__ = ["CargoMetadata", "CargoTarget", "load_cargo_metadata"]

# Target kinds that never become part of a wheel (maturin filters the same ones).
_IGNORED_KINDS = frozenset({"bench", "custom-build", "example", "proc-macro", "test"})


@dataclass(frozen=True)
class CargoTarget:
    """One target of the root package (lib, cdylib, bin ...)."""

    name: str
    kinds: tuple[str, ...]
    crate_types: tuple[str, ...]
    src_path: Path
    required_features: tuple[str, ...]


@dataclass(frozen=True)
class CargoMetadata:
    """The decoded ``cargo metadata --format-version 1`` output, rooted at one package.

    ``scoped`` holds the bindings crates (pyo3, pyo3-ffi, uniffi) and their features as
    ``cargo tree`` resolves them for the root package alone (see
    :mod:`cratewright.core.cargo.tree`); None where that check did not run (a lone crate,
    where metadata's unified resolve is already the package's own). ``scope_warning`` says
    why the check failed, if it did.
    """

    raw: Mapping[str, Any]
    root_id: str
    scoped: ScopedFeatures | None = None
    scope_warning: str | None = None

    @property
    def root_package(self) -> Mapping[str, Any]:
        """The package being built."""
        return self.package(self.root_id)

    @property
    def workspace_root(self) -> Path:
        """The workspace root directory (the crate dir for a lone crate)."""
        return Path(self.raw["workspace_root"])

    @property
    def target_directory(self) -> Path:
        """Cargo's target dir, honouring CARGO_TARGET_DIR and .cargo/config."""
        return Path(self.raw["target_directory"])

    def package(self, package_id: str) -> Mapping[str, Any]:
        """A package by id."""
        return self._packages[package_id]

    @cached_property
    def _packages(self) -> dict[str, Mapping[str, Any]]:
        return {p["id"]: p for p in self.raw["packages"]}

    def targets(self) -> list[CargoTarget]:
        """The root package's buildable targets (no tests, benches, examples, build scripts)."""
        result = []
        for target in self.root_package["targets"]:
            kinds = tuple(target.get("kind", ()))
            if any(kind in _IGNORED_KINDS for kind in kinds):
                continue
            result.append(
                CargoTarget(
                    name=target["name"],
                    kinds=kinds,
                    crate_types=tuple(target.get("crate_types", ())),
                    src_path=Path(target["src_path"]),
                    required_features=tuple(target.get("required-features", ())),
                )
            )
        return result

    @cached_property
    def _dependency_ids(self) -> tuple[str, ...]:
        return tuple(self._walk_runtime_graph())

    def dependency_ids(self) -> tuple[str, ...]:
        """Ids of every package the root depends on at runtime, transitively (root excluded)."""
        return self._dependency_ids

    def _walk_runtime_graph(self) -> list[str]:
        """Dev-dependencies are left out, and so are build-dependencies: neither ends up in the
        compiled library, and neither decides which binding the crate uses.
        """
        nodes = {node["id"]: node for node in (self.raw.get("resolve") or {}).get("nodes", [])}
        seen: set[str] = set()
        stack = [self.root_id]
        while stack:
            node = nodes.get(stack.pop())
            if node is None:
                continue
            for dep in node.get("deps", []):
                kinds = {k.get("kind") for k in dep.get("dep_kinds", [{"kind": None}])}
                if None in kinds and dep["pkg"] not in seen:
                    seen.add(dep["pkg"])
                    stack.append(dep["pkg"])
        seen.discard(self.root_id)
        return sorted(seen)

    @property
    def workspace_members(self) -> tuple[str, ...]:
        """Package ids of every workspace member."""
        return tuple(self.raw.get("workspace_members") or ())

    def resolved_features(self, package_id: str) -> tuple[str, ...]:
        """Features of a package as the build of the root package enables them.

        The scoped ``cargo tree`` answer wins over metadata's workspace-unified one.
        """
        package = self.package(package_id)
        if self.scoped is not None:
            scoped = self.scoped.get((package["name"], package["version"]))
            if scoped is not None:
                return scoped
        for node in (self.raw.get("resolve") or {}).get("nodes", []):
            if node["id"] == package_id:
                return tuple(node.get("features", ()))
        return ()

    def find_dependency(self, name: str) -> Mapping[str, Any] | None:
        """The package called ``name`` in the root's runtime graph, if any.

        A bindings crate that only a sibling member pulls in (an optional dependency it
        enables) is in metadata's unified graph but not in the scoped one: it is not there.
        """
        scoped = self.scoped
        if scoped is not None and name in BINDINGS_CRATES and all(n != name for n, _ in scoped):
            return None
        for package_id in self.dependency_ids():
            package = self.package(package_id)
            if package["name"] == name:
                return package
        return None

    def iter_dependencies(self) -> Iterator[Mapping[str, Any]]:
        """Packages of :meth:`dependency_ids`."""
        return (self.package(pid) for pid in self.dependency_ids())


def _root_id(raw: Mapping[str, Any], manifest: Path) -> str:
    root = (raw.get("resolve") or {}).get("root")
    if root:
        return str(root)
    for package in raw.get("packages", []):
        if Path(package["manifest_path"]).resolve() == manifest.resolve():
            return str(package["id"])
    raise CargoError(f"cargo metadata did not report the package of {manifest}")


def _scope_to_root(
    metadata: CargoMetadata,
    manifest: Path,
    cargo_flags: Sequence[str],
    env: Mapping[str, str] | None,
) -> CargoMetadata:
    """Verify the bindings crates with ``cargo tree`` where unification could mislead us.

    Only a workspace of several members, with a bindings crate in the root's unified graph,
    can differ (maturin's rule); a failing ``cargo tree`` keeps the unified answer, with a
    warning, as maturin does.
    """
    if len(metadata.workspace_members) < 2:
        return metadata
    if not any(metadata.find_dependency(name) for name in BINDINGS_CRATES):
        return metadata
    try:
        scoped = scoped_features(manifest, cargo_flags=cargo_flags, env=env)
    except CargoError as exc:
        warning = (
            "Failed to verify the dependency graph with `cargo tree`, bindings detection may "
            f"mistake feature-gated dependencies of other workspace members as enabled: {exc}"
        )
        return replace(metadata, scope_warning=warning)
    return replace(metadata, scoped=scoped)


def load_cargo_metadata(
    manifest: Path,
    *,
    cargo_flags: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> CargoMetadata:
    """Run ``cargo metadata`` for ``manifest``; ``cargo_flags`` carries features/--locked etc.

    In a workspace the bindings crates' features are then scoped to the package with
    ``cargo tree`` (see :class:`CargoMetadata`).
    """
    args = metadata_args(manifest, cargo_flags)
    # a call the desktop app started early (before importing the engine) is used as is
    output = take_prefetched(args) if env is None else None
    if output is None:
        # the runner (subprocess, threads, cargo's message types) is imported only when
        # needed: the app's start-up takes the prefetched answer and never needs it
        from cratewright.core.cargo.runner import run_cargo_capture

        output = run_cargo_capture(args, cwd=manifest.parent, env=env)
    try:
        raw = json.loads(output)
    except json.JSONDecodeError as exc:
        raise CargoError(f"cargo metadata printed something that is not JSON: {exc}") from exc
    metadata = CargoMetadata(raw=raw, root_id=_root_id(raw, manifest))
    return _scope_to_root(metadata, manifest, cargo_flags, env)
