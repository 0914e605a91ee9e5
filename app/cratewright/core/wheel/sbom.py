"""Deterministic CycloneDX 1.5 SBOM of the Rust dependency graph, as maturin ships it.

maturin 1.16 embeds ``<dist-info>/sboms/<package>.cyclonedx.json`` produced by the
cargo-cyclonedx 0.5.9 library with "all targets" and "all dependencies". We rebuild the same
document from ``cargo metadata --format-version 1`` output (checked field by field against
maturin's real output):

* every package reachable from the root through non-dev edges (build dependencies count),
  sorted by package id; ``scope`` is ``required`` when reachable through normal edges only,
  else ``excluded``;
* component fields in cargo-cyclonedx's order: type, bom-ref (the cargo package id, but see
  below), author,
  name, version, description, scope, hashes (Cargo.lock checksum), licenses, purl,
  externalReferences (documentation, homepage, links, repository);
* ``metadata.component`` describes the root crate, with one sub-component per lib/bin target;
* ``dependencies`` has one entry per package including the root, sorted by id, with each
  ``dependsOn`` in cargo's order.

Unlike maturin, nothing in the SBOM depends on where the sources were checked out: cargo's
id of a local package (``path+file:///home/me/src/crate#0.1.0``) would make two builds of the
same sources differ and tell every reader of a published wheel the builder's home
directory. A local package's bom-ref and ``download_url`` therefore use its path relative to
the crate being built (``path+file:../core-lib#core-lib@0.3.0``); registry and git packages
keep cargo's id, which holds no local path.

Unlike maturin, nothing here is random: there is never a ``serialNumber``, and the
``timestamp`` appears only when ``SOURCE_DATE_EPOCH`` is set (cargo-cyclonedx's reproducible
mode), so two runs over the same inputs give identical bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tomllib
from collections import deque
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression

from cratewright import __version__
from cratewright.core.wheel.zip_format import source_date_epoch
from cratewright.errors import BuildError

__all__ = ["DEFAULT_TOOL", "bom_ref", "cyclonedx_sbom", "purl_for", "sbom_file_name"]

#: (vendor, name, version) recorded in ``metadata.tools``.
DEFAULT_TOOL: tuple[str, str, str] = ("cratewright", "cratewright", __version__)

_CRATES_IO = "registry+https://github.com/rust-lang/crates.io-index"
_AUTHOR_RE = re.compile(r"(?P<author>[^<]+)\s*(<(?P<email>[^>]+)>)?", re.DOTALL)
_EMAIL_RE = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
)
_URI_CHARS_RE = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")
_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")

# percent-encode sets of the purl crate (WHATWG URL sets plus '@', '?', '#')
_QUERY_SET = frozenset(' "#<>@?')
_SEGMENT_SET = _QUERY_SET | frozenset("`{}/")
_FRAGMENT_SET = frozenset(' "<>`@?#')


def sbom_file_name(crate_name: str) -> str:
    """File name under ``<dist-info>/sboms/``: the Cargo package name, unnormalised.

    maturin writes e.g. ``sboms/tiny-ext.cyclonedx.json`` for package ``tiny-ext``.
    """
    return f"{crate_name}.cyclonedx.json"


def _pct(text: str, unsafe: frozenset[str]) -> str:
    """Percent-encode controls, non-ASCII and ``unsafe`` characters (uppercase hex)."""
    out = []
    for ch in text:
        if ch in unsafe or ord(ch) < 0x20 or ord(ch) >= 0x7F:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8"))
        else:
            out.append(ch)
    return "".join(out)


def _vcs_url(source: str) -> str:
    """``git+URL?branch=x#commit`` -> ``git+URL@commit`` (the ref when there is no commit)."""
    query, fragment = source.find("?"), source.find("#")
    if fragment >= 0:
        base = source[:query] if query >= 0 else source[:fragment]
        return f"{base}@{source[fragment + 1 :]}"
    if query >= 0:
        params = source[query + 1 :].split("&")
        ref = next(
            (p.split("=", 1)[1] for p in params if p.startswith(("branch=", "tag=", "rev="))),
            source[query + 1 :],
        )
        return f"{source[:query]}@{ref}"
    return source


def _is_within(path: PurePosixPath, root: PurePosixPath) -> bool:
    return path == root or root in path.parents


def _relative(path: PurePosixPath, base: PurePosixPath) -> str:
    """``path`` relative to ``base`` (may climb with ``..``); ``.`` when equal."""
    rel = os.path.relpath(str(path), str(base))
    return "." if rel in ("", ".") else rel


def purl_for(
    package: Mapping[str, Any],
    root_package: Mapping[str, Any],
    workspace_root: str,
    subpath: str | None = None,
) -> str:
    """Package URL for a cargo package, as cargo-cyclonedx builds it.

    crates.io packages get a bare ``pkg:cargo/name@version``; other registries add
    ``repository_url``, git sources ``vcs_url`` and local packages ``download_url=file://``
    with the path relative to the root package (cargo-cyclonedx keeps an absolute path for
    packages outside the workspace; we never write one).
    """
    name = _pct(package["name"], _SEGMENT_SET)
    purl = f"pkg:cargo/{name}@{_pct(str(package['version']), _SEGMENT_SET)}"
    qualifier: tuple[str, str] | None = None
    source = package.get("source")
    if source:
        if source != _CRATES_IO:
            kind, _, rest = source.partition("+")
            if kind == "git":
                qualifier = ("vcs_url", _vcs_url(source))
            elif kind in ("registry", "sparse"):
                qualifier = ("repository_url", rest)
    else:
        # relative to the root package even outside the workspace: never a local path
        package_dir = PurePosixPath(package["manifest_path"]).parent
        location = _relative(package_dir, PurePosixPath(root_package["manifest_path"]).parent)
        qualifier = ("download_url", f"file://{location}")
    if qualifier is not None:
        purl += f"?{_pct(qualifier[0], _QUERY_SET)}={_pct(qualifier[1], _QUERY_SET)}"
    if subpath is not None:
        purl += f"#{_pct(subpath, _FRAGMENT_SET)}"
    return purl


def bom_ref(package_id: str, packages: Mapping[str, Mapping[str, Any]], root_dir: str) -> str:
    """A component's bom-ref: cargo's package id, with a local package's path made relative.

    ``path+file:///abs/crates/core-lib#core-lib@0.3.0`` becomes
    ``path+file:../core-lib#core-lib@0.3.0`` (relative to ``root_dir``, the root package's
    folder); ids of registry and git packages hold no local path and stay as cargo wrote them.
    """
    if not package_id.startswith("path+file://"):
        return package_id
    package = packages.get(package_id)
    if package is None or "manifest_path" not in package:
        return package_id
    _, sep, fragment = package_id.partition("#")
    package_dir = PurePosixPath(package["manifest_path"]).parent
    location = _relative(package_dir, PurePosixPath(root_dir))
    return f"path+file:{location}{sep}{fragment}"


def _normalized(text: str) -> str:
    """CycloneDX normalizedString: line breaks and tabs become spaces."""
    return text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ").replace("\t", " ")


def _valid_uri(text: str) -> bool:
    """Close approximation of the RFC 3986 URI-reference check cargo-cyclonedx applies."""
    if not _URI_CHARS_RE.fullmatch(text) or text.count("#") > 1:
        return False
    head = re.split(r"[/?#]", text, maxsplit=1)[0]
    if ":" in head:
        return bool(_SCHEME_RE.fullmatch(head.split(":", 1)[0]))
    return True


def _license_choice(license_expr: str) -> dict[str, Any]:
    """An SPDX ``expression`` when valid (``/`` read as OR), else a named license."""
    converted = license_expr.replace("/", " OR ")
    try:
        canonical = canonicalize_license_expression(converted)
    except InvalidLicenseExpression:
        canonical = None
    tokens = re.compile(r"[^\s()]+")
    if canonical is not None and tokens.findall(canonical) == tokens.findall(converted):
        return {"expression": converted}
    return {"license": {"name": license_expr}}


def _licenses(package: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    license_expr = package.get("license")
    if license_expr:
        return [_license_choice(license_expr)]
    license_file = package.get("license_file")
    if license_file:
        path = Path(package["manifest_path"]).parent / license_file
        try:
            content = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        return [{"license": {"name": "Unknown", "text": {"content": content}}}]
    return None


def _external_references(package: Mapping[str, Any]) -> list[dict[str, str]] | None:
    refs = []
    for field, ref_type in (
        ("documentation", "documentation"),
        ("homepage", "website"),
        ("links", "other"),
        ("repository", "vcs"),
    ):
        value = package.get(field)
        if value and _valid_uri(value):
            refs.append({"type": ref_type, "url": value})
    return refs or None


def _component(
    package: Mapping[str, Any],
    root: Mapping[str, Any],
    workspace_root: str,
    scope: str,
    hashes: Mapping[str, str],
    ref: str,
) -> dict[str, Any]:
    """One component, keys in the order cargo-cyclonedx's serializer writes them."""
    comp: dict[str, Any] = {"type": "library", "bom-ref": ref}
    authors = package.get("authors") or []
    if authors:
        comp["author"] = _normalized(", ".join(authors))
    comp["name"] = package["name"].strip()
    comp["version"] = str(package["version"])
    if package.get("description") is not None:
        comp["description"] = _normalized(package["description"])
    comp["scope"] = scope
    if package["id"] in hashes:
        comp["hashes"] = [{"alg": "SHA-256", "content": hashes[package["id"]]}]
    licenses = _licenses(package)
    if licenses:
        comp["licenses"] = licenses
    comp["purl"] = purl_for(package, root, workspace_root)
    refs = _external_references(package)
    if refs:
        comp["externalReferences"] = refs
    return comp


def _root_component(
    root: Mapping[str, Any], workspace_root: str, hashes: Mapping[str, str], ref: str
) -> dict[str, Any]:
    """The crate being built, with one sub-component per lib/bin target."""
    comp = _component(root, root, workspace_root, "required", hashes, ref)
    targets = root.get("targets") or []
    if any("bin" in t.get("kind", []) for t in targets):
        comp["type"] = "application"
    package_dir = PurePosixPath(root["manifest_path"]).parent
    subcomponents = []
    for target in targets:
        kinds = target.get("kind", [])
        if any(k in ("bench", "example", "test", "custom-build") for k in kinds):
            continue
        if "bin" in kinds:
            kind = "application"
        elif any("lib" in k or k == "proc-macro" for k in kinds):
            kind = "library"
        else:
            continue
        sub: dict[str, Any] = {
            "type": kind,
            "bom-ref": f"{ref} bin-target-{len(subcomponents)}",
            "name": target["name"],
            "version": str(root["version"]),
        }
        src = PurePosixPath(target.get("src_path", ""))
        if _is_within(src, package_dir) and src != package_dir:
            rel = "/".join(src.relative_to(package_dir).parts)
            sub["purl"] = purl_for(root, root, workspace_root, rel)
        subcomponents.append(sub)
    comp["components"] = subcomponents
    return comp


def _dep_kinds(dep: Mapping[str, Any]) -> set[str]:
    """Kinds of one resolve edge: "normal", "build" or "dev"."""
    kinds = {k.get("kind") or "normal" for k in dep.get("dep_kinds") or []}
    return kinds or {"normal"}


def _reachable(
    root_id: str, nodes: Mapping[str, Mapping[str, Any]], allowed: set[str]
) -> dict[str, list[str]]:
    """Breadth-first walk over edges of the allowed kinds; node id -> kept dependency ids."""
    kept: dict[str, list[str]] = {}
    queue = deque([root_id])
    while queue:
        node_id = queue.popleft()
        if node_id in kept:
            continue
        node = nodes.get(node_id)
        if node is None:
            raise BuildError(f"cargo metadata has no resolve node for {node_id}")
        deps = [d["pkg"] for d in node.get("deps", []) if _dep_kinds(d) & allowed]
        kept[node_id] = deps
        queue.extend(deps)
    return kept


def _find_lockfile(manifest_path: str) -> Path | None:
    for directory in Path(manifest_path).absolute().parents:
        candidate = directory / "Cargo.lock"
        if candidate.is_file():
            return candidate
    return None


def _lock_checksums(lockfile: Path | None) -> dict[str, str]:
    """Package id -> sha256 from Cargo.lock; empty when missing or unreadable (no hashes)."""
    if lockfile is None:
        return {}
    try:
        lock = tomllib.loads(lockfile.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
    sums: dict[str, str] = {}
    for pkg in lock.get("package", []):
        checksum, name, version = pkg.get("checksum"), pkg.get("name"), pkg.get("version")
        if not (checksum and name and version):
            continue
        source = pkg.get("source")
        pkg_id = f"{source}#{name}@{version}" if source else f"{name}@{version}"
        sums[pkg_id] = checksum
    return sums


def _contact(author: str) -> dict[str, str] | None:
    """Parse ``Name <email>``; None (skipped, like cargo-cyclonedx) for an invalid email."""
    match = _AUTHOR_RE.fullmatch(author)
    if match is None:
        return {"name": author}
    email = match.group("email")
    if email is not None and not _EMAIL_RE.fullmatch(email):
        return None
    contact = {"name": _normalized(match.group("author").strip())}
    if email is not None:
        contact["email"] = _normalized(email)
    return contact


def _timestamp(epoch: int) -> str:
    """ISO 8601 with nanoseconds, as the Rust ``time`` crate formats it."""
    try:
        moment = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=epoch)
    except OverflowError:
        raise BuildError(f"SOURCE_DATE_EPOCH {epoch} is out of range") from None
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + ".000000000Z"


def _index(items: Iterable[Mapping[str, Any]], what: str) -> dict[str, Mapping[str, Any]]:
    try:
        return {item["id"]: item for item in items}
    except (KeyError, TypeError):
        raise BuildError(f"Malformed cargo metadata: {what} without an id") from None


def cyclonedx_sbom(
    metadata: Mapping[str, Any],
    root_package_id: str,
    *,
    environ: Mapping[str, str] | None = None,
    lockfile: Path | None = None,
    target_triple: str | None = None,
    tool: tuple[str, str, str] = DEFAULT_TOOL,
) -> bytes:
    """Build the CycloneDX 1.5 JSON SBOM of one crate's resolved dependency graph.

    Args:
        metadata: parsed ``cargo metadata --format-version 1`` output (with ``resolve``).
        root_package_id: id of the crate built into the wheel.
        environ: environment for ``SOURCE_DATE_EPOCH``; defaults to ``os.environ``.
        lockfile: Cargo.lock for the component hashes; by default the nearest one above
            the root manifest (no hashes when there is none).
        target_triple: record a single target (``cdx:rustc:sbom:target:triple``) instead of
            maturin's "all targets".
        tool: (vendor, name, version) for ``metadata.tools``.

    Returns:
        UTF-8 JSON, pretty-printed with two spaces and no trailing newline.

    Raises:
        BuildError: the metadata lacks the root package or a dependency resolution.
        ConfigError: ``SOURCE_DATE_EPOCH`` is not an integer.
    """
    packages = _index(metadata.get("packages") or [], "package")
    resolve = metadata.get("resolve")
    if not resolve or "nodes" not in resolve:
        raise BuildError("cargo metadata has no dependency resolution (was it run with --no-deps?)")
    nodes = _index(resolve["nodes"], "resolve node")
    root = packages.get(root_package_id)
    if root is None:
        raise BuildError(f"Package {root_package_id} is not in the cargo metadata")
    workspace_root = metadata.get("workspace_root") or str(Path(root["manifest_path"]).parent)

    graph = _reachable(root_package_id, nodes, {"normal", "build"})
    runtime = _reachable(root_package_id, nodes, {"normal"})
    missing = [pkg_id for pkg_id in graph if pkg_id not in packages]
    if missing:
        raise BuildError(f"cargo metadata has no package entry for {missing[0]}")
    if lockfile is None:
        lockfile = _find_lockfile(root["manifest_path"])
    hashes = _lock_checksums(lockfile)

    root_dir = str(PurePosixPath(root["manifest_path"]).parent)
    refs = {pkg_id: bom_ref(pkg_id, packages, root_dir) for pkg_id in graph}
    components = [
        _component(
            packages[pkg_id],
            root,
            workspace_root,
            "required" if pkg_id in runtime else "excluded",
            hashes,
            refs[pkg_id],
        )
        for pkg_id in sorted(graph)
        if pkg_id != root_package_id
    ]
    dependencies = []
    for pkg_id in sorted(graph):
        entry: dict[str, Any] = {"ref": refs[pkg_id]}
        if graph[pkg_id]:
            entry["dependsOn"] = [refs[dep] for dep in graph[pkg_id]]
        dependencies.append(entry)

    meta: dict[str, Any] = {}
    epoch = source_date_epoch(environ)
    if epoch is not None:
        meta["timestamp"] = _timestamp(epoch)
    meta["tools"] = [{"vendor": tool[0], "name": tool[1], "version": tool[2]}]
    contacts = [c for c in map(_contact, root.get("authors") or []) if c is not None]
    if contacts:
        meta["authors"] = contacts
    meta["component"] = _root_component(root, workspace_root, hashes, refs[root_package_id])
    if target_triple:
        meta["properties"] = [{"name": "cdx:rustc:sbom:target:triple", "value": target_triple}]
    else:
        meta["properties"] = [{"name": "cdx:rustc:sbom:target:all_targets", "value": "true"}]

    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "version": 1,
        "metadata": meta,
        "components": components,
        "dependencies": dependencies,
    }
    return json.dumps(bom, indent=2, ensure_ascii=False).encode("utf-8")
