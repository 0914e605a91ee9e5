"""Which uniffi-bindgen a uniffi build runs: the crate's, a workspace member's, then PATH's."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from cratewright.core.build.generators.uniffi import workspace_bindgen_target
from cratewright.core.cargo.metadata import CargoMetadata


def _package(name: str, *targets: tuple[str, str]) -> dict[str, object]:
    return {
        "id": f"path+file:///ws/{name}#{name}@0.1.0",
        "name": name,
        "version": "0.1.0",
        "manifest_path": f"/ws/{name}/Cargo.toml",
        "targets": [
            {"name": t, "kind": [k], "required-features": ["cli"] if t == "uniffi-bindgen" else []}
            for t, k in targets
        ],
    }


def _plan(root: dict[str, object], *others: dict[str, object], deps=()) -> SimpleNamespace:
    members = [root, *others]
    raw = {
        "packages": [*members, *deps],
        "workspace_members": [p["id"] for p in members],
        "workspace_root": "/ws",
        "target_directory": "/ws/target",
        "resolve": {"root": root["id"], "nodes": []},
    }
    return SimpleNamespace(cargo_metadata=CargoMetadata(raw=raw, root_id=str(root["id"])))


def test_a_workspace_member_bindgen_is_found() -> None:
    lib = _package("greeter", ("greeter", "cdylib"))
    bindgen = _package("tools", ("uniffi-bindgen", "bin"))
    found = workspace_bindgen_target(_plan(lib, bindgen))  # type: ignore[arg-type]
    assert found is not None
    assert (found.package, found.is_root) == ("tools", False)
    assert found.manifest == Path("/ws/tools/Cargo.toml")
    assert found.required_features == ("cli",)


def test_the_crates_own_bindgen_comes_first() -> None:
    lib = _package("greeter", ("greeter", "cdylib"), ("uniffi-bindgen", "bin"))
    other = _package("tools", ("uniffi-bindgen", "bin"))
    found = workspace_bindgen_target(_plan(lib, other))  # type: ignore[arg-type]
    assert found is not None and found.package == "greeter" and found.is_root


def test_a_dependency_or_a_library_named_so_does_not_count() -> None:
    lib = _package("greeter", ("greeter", "cdylib"))
    named_lib = _package("helper", ("uniffi-bindgen", "lib"))
    registry_dep = _package("uniffi-bindgen-dep", ("uniffi-bindgen", "bin"))
    plan = _plan(lib, named_lib, deps=[registry_dep])
    assert workspace_bindgen_target(plan) is None  # type: ignore[arg-type]
